// CRI v1 RuntimeService basics over the daemon's socket: Version, Status (RuntimeReady, NetworkReady
// from the test's own CNI conf dir), RuntimeConfig, and clear UNIMPLEMENTED answers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Code } from '@stack/proto';
import { CgroupDriver } from '@stack/proto/gen/runtime/v1/api_pb';
import { startTestDaemon, type TestDaemon } from './support/daemon.js';
import { removeTree, tempDir } from './support/temp.js';
import { callError, criClients, type CriClients } from './cri-client.js';
import { VERSION } from '../src/version.js';

jest.setTimeout(60_000);

describe('CRI RuntimeService: version, status, config', () => {
  let dir: string;
  let confDir: string;
  let daemon: TestDaemon;
  let cri: CriClients;

  beforeAll(async () => {
    dir = tempDir('cri-runtime-');
    confDir = path.join(dir, 'net.d');
    daemon = await startTestDaemon({
      config: `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "stack.local/pause:test"\n[plugins."io.containerd.grpc.v1.cri".cni]\nconf_dir = "${confDir}"\nbin_dir = "/usr/lib/cni"\n`,
    });
    cri = criClients(daemon.socket);
  });

  afterAll(async () => {
    cri?.close();
    await daemon?.stop();
    daemon?.cleanup();
    if (dir) removeTree(dir);
  });

  test('Version names the runtime and CRI v1', async () => {
    const v = await cri.runtime.version({ version: 'v1' });
    expect(v).toMatchObject({ version: '0.1.0', runtimeName: 'containerd-ts', runtimeVersion: VERSION, runtimeApiVersion: 'v1' });
  });

  test('Status: runtime ready; network not ready until the conf dir holds a usable CNI conf', async () => {
    const cond = async () => Object.fromEntries((await cri.runtime.status({})).status?.conditions.map((c) => [c.type, c]) ?? []);
    let c = await cond();
    expect(c['RuntimeReady']).toMatchObject({ status: true });
    expect(c['NetworkReady']).toMatchObject({ status: false, reason: 'NetworkPluginNotReady' });
    expect(c['NetworkReady']?.message).toContain(`cni config dir ${confDir} does not exist`);

    fs.mkdirSync(confDir);
    fs.writeFileSync(path.join(confDir, '05-broken.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'x', plugins: [{ type: 'no-such-plugin' }] }));
    c = await cond();
    expect(c['NetworkReady']).toMatchObject({ status: false });
    expect(c['NetworkReady']?.message).toContain('plugin no-such-plugin not found in /usr/lib/cni');

    fs.writeFileSync(
      path.join(confDir, '10-pods.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'pods', plugins: [{ type: 'bridge', bridge: 'critest0', ipam: { type: 'host-local', subnet: '10.99.0.0/24' } }, { type: 'portmap', capabilities: { portMappings: true } }] }),
    );
    c = await cond();
    expect(c['NetworkReady']).toMatchObject({ status: true, reason: '', message: '' });
  });

  test('Status verbose carries the CRI config', async () => {
    const s = await cri.runtime.status({ verbose: true });
    expect(JSON.parse(s.info['config'] ?? '{}')).toEqual({ sandboxImage: 'stack.local/pause:test', cni: { binDir: '/usr/lib/cni', confDir } });
    expect((await cri.runtime.status({})).info).toEqual({});
  });

  test('RuntimeConfig: the cgroupfs driver', async () => {
    expect((await cri.runtime.runtimeConfig({})).linux?.cgroupDriver).toBe(CgroupDriver.CGROUPFS);
  });

  test('UpdateRuntimeConfig: empty is accepted; a pod CIDR is refused clearly', async () => {
    await expect(cri.runtime.updateRuntimeConfig({ runtimeConfig: { networkConfig: { podCidr: '' } } })).resolves.toBeDefined();
    const e = await callError(cri.runtime.updateRuntimeConfig({ runtimeConfig: { networkConfig: { podCidr: '10.1.0.0/16' } } }));
    expect(e.code).toBe(Code.UNIMPLEMENTED);
    expect(e.message).toMatch(/pod CIDR 10\.1\.0\.0\/16 cannot be applied/);
  });

  test('CheckpointContainer and calls not served yet answer UNIMPLEMENTED with a clear message', async () => {
    const cp = await callError(cri.runtime.checkpointContainer({ containerId: 'x', location: '/tmp/x' }));
    expect(cp).toMatchObject({ code: Code.UNIMPLEMENTED });
    expect(cp.message).toMatch(/CheckpointContainer: checkpointing containers is not supported/);
    const ex = await callError(cri.runtime.listMetricDescriptors({}));
    expect(ex.code).toBe(Code.UNIMPLEMENTED);
    expect(ex.message).toMatch(/ListMetricDescriptors: not implemented yet/);
  });
});
