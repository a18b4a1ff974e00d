// Differential: the same CRI calls to Debian's containerd 1.6 (its CRI plugin) and to containerd-ts,
// on the same image from the registry fixture; what kubelet and crictl read must agree.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pushOciLayout, startRegistry, stopProcess, type BuiltImage, type Registry } from '@stack/tools';
import { startTestDaemon, type TestDaemon } from './support/daemon.js';
import { multiLayer } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';
import { criClients, type CriClients } from './cri-client.js';

jest.setTimeout(120_000);

/** Outcome of a call in comparable form: the response, or the status code of its error. */
async function outcome<T>(p: Promise<T>): Promise<{ ok: T } | { code: number }> {
  try {
    return { ok: await p };
  } catch (err) {
    return { code: (err as { code: number }).code };
  }
}

describe('CRI against Debian containerd 1.6', () => {
  let dir: string;
  let registry: Registry;
  let img: BuiltImage;
  let ours: TestDaemon;
  let ref: { child: ChildProcess; socket: string };
  let a: CriClients;
  let b: CriClients;
  const timings: Record<string, number[]> = { containerd: [], 'containerd-ts': [] };

  beforeAll(async () => {
    dir = tempDir('cri-ref-');
    registry = await startRegistry();
    img = await multiLayer(dir);
    await pushOciLayout(registry, img.layoutDir, 'test/multi:v1');
    const confDir = path.join(dir, 'net.d');
    fs.mkdirSync(confDir);
    const socket = path.join(dir, 'ref', 'containerd.sock');
    fs.mkdirSync(path.dirname(socket), { recursive: true });
    // CRI enabled, on private paths; its streaming server binds loopback only; plain HTTP to the fixture.
    const cfg = [
      'version = 2',
      `root = "${dir}/ref/root"`,
      `state = "${dir}/ref/state"`,
      'disabled_plugins = ["io.containerd.internal.v1.opt"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      '  stream_server_address = "127.0.0.1"',
      '  disable_apparmor = true',
      '[plugins."io.containerd.grpc.v1.cri".cni]',
      `  conf_dir = "${confDir}"`,
      '  bin_dir = "/usr/lib/cni"',
      `[plugins."io.containerd.grpc.v1.cri".registry.mirrors."${registry.host}"]`,
      `  endpoint = ["${registry.url}"]`,
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'ref', 'config.toml'), cfg);
    const log = fs.openSync(path.join(dir, 'ref', 'containerd.log'), 'w');
    const child = spawn('containerd', ['--config', path.join(dir, 'ref', 'config.toml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    ref = { child, socket };
    ours = await startTestDaemon({ config: `version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\nconf_dir = "${confDir}"\n` });
    a = criClients(socket);
    b = criClients(ours.socket);
    // containerd serves CRI once its plugin is up: wait for Version to answer.
    for (let i = 0; ; i++) {
      const v = await outcome(a.runtime.version({ version: 'v1' }, { deadline: 2000 }));
      if ('ok' in v) break;
      if (i > 100 || child.exitCode !== null) throw new Error(`containerd's CRI did not come up: ${fs.readFileSync(path.join(dir, 'ref', 'containerd.log'), 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    a?.close();
    b?.close();
    if (ref) await stopProcess(ref.child);
    await ours?.stop();
    ours?.cleanup();
    await registry?.stop();
    // eslint-disable-next-line no-console
    console.log('PullImage ms', JSON.stringify(timings));
    if (dir) removeTree(dir);
  });

  test('Version and Status have the same shape', async () => {
    const [va, vb] = [await a.runtime.version({ version: 'v1' }), await b.runtime.version({ version: 'v1' })];
    expect(vb.version).toBe(va.version);
    expect(vb.runtimeApiVersion).toBe(va.runtimeApiVersion);
    const conds = async (c: CriClients) => (await c.runtime.status({})).status?.conditions.map((x) => ({ type: x.type, status: x.status, reason: x.reason })) ?? [];
    // Both without a CNI conf: runtime ready, network not, with the same reason.
    expect(await conds(b)).toEqual(await conds(a));
  });

  test('pulled image: same ID, tags, repo digests, size and user in list and status', async () => {
    const name = `${registry.host}/test/multi:v1`;
    const pull = async (c: CriClients, who: string) => {
      const t0 = process.hrtime.bigint();
      const r = await c.images.pullImage({ image: { image: name } });
      timings[who]?.push(Number(process.hrtime.bigint() - t0) / 1e6);
      return r.imageRef;
    };
    expect(await pull(b, 'containerd-ts')).toBe(await pull(a, 'containerd'));
    const view = (i: { id: string; repoTags: string[]; repoDigests: string[]; size: bigint; uid?: { value: bigint } | undefined; username: string }) => ({
      id: i.id,
      repoTags: [...i.repoTags].sort(),
      repoDigests: [...i.repoDigests].sort(),
      size: i.size,
      uid: i.uid?.value,
      username: i.username,
    });
    const la = (await a.images.listImages({})).images.map(view);
    const lb = (await b.images.listImages({})).images.map(view);
    expect(lb).toEqual(la);
    for (const q of [name, img.configDigest, `${registry.host}/test/multi@${img.manifestDigest}`, `${registry.host}/test/absent:v1`]) {
      const sa = await a.images.imageStatus({ image: { image: q } });
      const sb = await b.images.imageStatus({ image: { image: q } });
      expect(sb.image ? view(sb.image) : undefined).toEqual(sa.image ? view(sa.image) : undefined);
    }
  });

  test('errors and idempotence agree', async () => {
    const both = async <T>(f: (c: CriClients) => Promise<T>) => {
      const [x, y] = [await outcome(f(a)), await outcome(f(b))];
      return { containerd: 'code' in x ? x.code : 'ok', ours: 'code' in y ? y.code : 'ok' };
    };
    const same = (r: { containerd: unknown; ours: unknown }) => expect(r.ours).toBe(r.containerd);
    same(await both((c) => c.images.removeImage({ image: { image: `${registry.host}/test/absent:v1` } })));
    // A tag the registry does not have: NOT_FOUND from both.
    expect(await both((c) => c.images.pullImage({ image: { image: `${registry.host}/test/multi:nope` } }))).toEqual({ containerd: 5, ours: 5 });
    // No image at all: containerd answers UNKNOWN; ours INVALID_ARGUMENT, on purpose (README).
    expect(await both((c) => c.images.pullImage({}))).toEqual({ containerd: 2, ours: 3 });
    same(await both((c) => c.runtime.checkpointContainer({ containerId: 'nope' })));
    // Removing by tag removes the image (all its names) on both.
    same(await both((c) => c.images.removeImage({ image: { image: `${registry.host}/test/multi:v1` } })));
    expect((await b.images.listImages({})).images).toEqual((await a.images.listImages({})).images);
  });
});
