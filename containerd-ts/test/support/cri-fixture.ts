// One CRI test environment: a private network namespace, a loopback registry with busybox and a
// pause image, a CNI bridge conf whose host-local leases live under the test's dir, a daemon with
// that config, and a cgroup parent of the test's own. `teardown` removes every pod through CRI (CNI
// DEL, netns, cgroups), stops the daemon and removes the rest, whatever state a failed test left.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildBusyboxImage, pushOciLayout, removeCgroupTree, startRegistry, writeOciImage, type Registry } from '@stack/tools';
import { ContainerState } from '@stack/proto/gen/runtime/v1/api_pb';
import { startTestDaemon, type TestDaemon } from './daemon.js';
import { removeTree, tempDir } from './temp.js';
import { criClients, type CriClients } from '../cri-client.js';
import { enterPrivateNetns } from '../cri-netns.js';

export interface CriFixture {
  dir: string;
  daemon: TestDaemon;
  cri: CriClients;
  registry: Registry;
  bbRef: string;
  ipamDir: string;
  cgroupParent: string;
  sandboxConfig(name: string, extra?: object): { metadata: { name: string; uid: string; namespace: string; attempt: number }; hostname: string; logDirectory: string; linux: { cgroupParent: string } };
  container(name: string, command: string[], extra?: object): object;
  /** Waits until the container has exited; its status. */
  exited(id: string): Promise<NonNullable<Awaited<ReturnType<CriClients['runtime']['containerStatus']>>['status']>>;
  /** Reconnects the clients (after a daemon restart). */
  reconnect(): void;
  teardown(): Promise<void>;
}

export async function startCriFixture(prefix: string, net: { bridge: string; subnet: string }): Promise<CriFixture> {
  const dir = tempDir(prefix);
  const leaveNetns = enterPrivateNetns();
  const cgroupParent = `/cri-test-${randomBytes(4).toString('hex')}`;
  let registry: Registry | undefined;
  let daemon: TestDaemon | undefined;
  let cri: CriClients | undefined;
  const teardown = async () => {
    const left = await cri?.runtime.listPodSandbox({}).catch(() => undefined);
    for (const p of left?.items ?? []) await cri?.runtime.removePodSandbox({ podSandboxId: p.id }).catch(() => undefined);
    cri?.close();
    // A daemon that does not stop cleanly is killed so the rest is still cleaned up, then reported.
    let stopError: unknown;
    await daemon?.stop().catch(async (err: unknown) => {
      stopError = err;
      await daemon?.kill9();
    });
    removeCgroupTree(cgroupParent, { kill: true });
    daemon?.cleanup();
    await registry?.stop();
    leaveNetns();
    removeTree(dir);
    if (stopError !== undefined) throw stopError;
  };
  try {
    registry = await startRegistry();
    const bb = await buildBusyboxImage({ outDir: path.join(dir, 'busybox') });
    await pushOciLayout(registry, bb.layoutDir, 'library/busybox:latest');
    const bbRef = `${registry.host}/library/busybox:latest`;
    const pause = await writeOciImage({
      outDir: path.join(dir, 'pause'),
      layers: [{ entries: [{ path: 'bin', type: 'dir', mode: 0o755 }, { path: 'bin/busybox', type: 'file', source: '/bin/busybox', mode: 0o755 }, { path: 'bin/sh', type: 'symlink', linkname: 'busybox' }, { path: 'bin/sleep', type: 'symlink', linkname: 'busybox' }] }],
      config: { entrypoint: ['/bin/sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'] },
    });
    await pushOciLayout(registry, pause.layoutDir, 'stack/pause:test');
    const confDir = path.join(dir, 'net.d');
    const ipamDir = path.join(dir, 'ipam');
    fs.mkdirSync(confDir);
    fs.writeFileSync(path.join(confDir, '10-pods.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'pods', plugins: [{ type: 'bridge', bridge: net.bridge, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet: net.subnet }]], dataDir: ipamDir } }] }));
    daemon = await startTestDaemon({ config: `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "${registry.host}/stack/pause:test"\n[plugins."io.containerd.grpc.v1.cri".cni]\nconf_dir = "${confDir}"\n` });
    cri = criClients(daemon.socket);
    await cri.images.pullImage({ image: { image: bbRef } });
    const d = daemon;
    const f: CriFixture = {
      dir,
      daemon: d,
      get cri() {
        return cri as CriClients;
      },
      registry,
      bbRef,
      ipamDir,
      cgroupParent,
      sandboxConfig: (name, extra = {}) => ({ metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 }, hostname: name, logDirectory: path.join(dir, 'logs', name), linux: { cgroupParent }, ...extra }),
      container: (name, command, extra = {}) => ({ metadata: { name, attempt: 0 }, image: { image: bbRef, annotations: {} }, command, logPath: `${name}.log`, labels: { c: name }, ...extra }),
      async exited(id) {
        for (let i = 0; i < 600; i++) {
          const st = (await (cri as CriClients).runtime.containerStatus({ containerId: id })).status;
          if (st?.state === ContainerState.CONTAINER_EXITED) return st;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`container ${id} did not exit`);
      },
      reconnect() {
        cri?.close();
        cri = criClients(d.socket);
      },
      teardown,
    };
    return f;
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}
