// kill -9 of the daemon in the middle of a pull (while downloading, then while unpacking): after a
// restart the store is consistent, nothing half-unpacked is visible, and the pull resumes the
// interrupted download with a Range request and completes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { pushOciLayout, startRegistry, writeOciImage, type BuiltImage, type LayerEntry, type Registry } from '@stack/tools';
import { CTR_TS_BIN, DAEMON_BIN, ctrTs, run, startTestDaemon, stockCtr, type TestDaemon } from './support/daemon.js';
import { expectedTree, snapshotTree, storeState, topChainId } from './support/images.js';
import { startFakeRegistry, type FakeRegistry } from './support/fake-registry.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(300_000);

/** Starts a pull and resolves once `ready(stderr)` holds; returns the client process. */
function pullUntil(d: TestDaemon, ref: string, ready: (stderr: string) => boolean): Promise<{ stderr: () => string; done: Promise<number> }> {
  const child = spawn(process.execPath, [CTR_TS_BIN, '--address', d.socket, 'images', 'pull', ref], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const done = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      if (ready(err)) resolve({ stderr: () => err, done });
    });
    void done.then((code) => reject(new Error(`pull ended (${code}) before the kill point: ${err}`)));
  });
}

function snapshotDirs(d: TestDaemon): string[] {
  return fs.readdirSync(path.join(d.root, 'io.containerd.snapshotter.v1.overlayfs', 'snapshots'));
}

function ingestBytes(d: TestDaemon): number {
  const dir = path.join(d.root, 'io.containerd.content.v1.content', 'ingest');
  let n = 0;
  for (const e of fs.readdirSync(dir)) {
    try {
      n += fs.statSync(path.join(dir, e, 'data')).size;
    } catch {
      // being created
    }
  }
  return n;
}

describe('kill -9 in the middle of a pull', () => {
  let dir: string;
  let registry: Registry;
  let front: FakeRegistry;
  let daemon: TestDaemon;
  let img: BuiltImage;

  beforeAll(async () => {
    dir = tempDir('crash-');
    registry = await startRegistry();
    const many: LayerEntry[] = [];
    for (let i = 0; i < 3000; i++) many.push({ path: `data/d${i % 30}/f${i}`, type: 'file', content: randomBytes(2048) });
    img = await writeOciImage({
      outDir: path.join(dir, 'big'),
      layers: [
        { entries: [{ path: 'etc/hostname', type: 'file', content: 'big\n' }] },
        { entries: many },
        { entries: [{ path: 'blob/random', type: 'file', content: randomBytes(6 * 1024 * 1024) }, { path: 'etc/hostname', type: 'whiteout' }] },
      ],
      config: {},
    });
    await pushOciLayout(registry, img.layoutDir, 'test/big:v1');
    front = await startFakeRegistry({ upstream: registry.host, throttle: 1024 * 1024 });
    daemon = await startTestDaemon();
  });

  afterAll(async () => {
    await daemon?.stop();
    daemon?.cleanup();
    await front?.stop();
    await registry?.stop();
    if (dir) removeTree(dir);
  });

  /** After a restart the collection runs once the daemon serves (as containerd's, after a delay). */
  async function expectCleanStore(): Promise<void> {
    const clean = { images: '', content: '', snapshots: 'KEY   PARENT   KIND   LABELS' };
    for (let i = 0; i < 50 && JSON.stringify(await storeState(daemon)) !== JSON.stringify(clean); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await storeState(daemon)).toEqual(clean);
    expect(snapshotDirs(daemon)).toEqual([]);
    expect((await stockCtr(daemon, ['leases', 'ls', '-q'])).stdout.trim()).toBe('');
  }

  test('killed while downloading: restart is clean, the next pull resumes the download', async () => {
    const ref = `${front.host}/test/big:v1`;
    const pulling = await pullUntil(daemon, ref, () => ingestBytes(daemon) > 1024 * 1024);
    await daemon.kill9();
    expect(await pulling.done).not.toBe(0);
    await daemon.restart();
    await expectCleanStore();
    const active = await stockCtr(daemon, ['content', 'active']);
    expect(active.stdout).toMatch(/blob-sha256:[0-9a-f]{64}/);

    delete front.options.throttle;
    front.requests.length = 0;
    const r = await ctrTs(daemon, ['images', 'pull', ref]);
    expect(r.stderr).not.toMatch(/ctr-ts:/);
    expect(r.code).toBe(0);
    const ranged = front.requests.filter((q) => q.range !== undefined && q.url.includes('/blobs/'));
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged[0]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(await snapshotTree(daemon, 'default', topChainId(img), dir)).toEqual(expectedTree(img, dir));
    expect((await stockCtr(daemon, ['content', 'active'])).stdout.trim().split('\n')).toHaveLength(1);
  });

  test('a second daemon on the same root refuses to start', async () => {
    const r = await run(process.execPath, [DAEMON_BIN, '--root', daemon.root, '--state', `${daemon.state}-2`, '--address', `${daemon.state}-2/sock`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/another containerd-ts \(pid \d+\) is using this root/);
    expect(fs.existsSync(daemon.socket)).toBe(true);
  });

  test('killed while unpacking: nothing half-unpacked is visible after the restart', async () => {
    const ref = `${front.host}/test/big:v1`;
    expect((await ctrTs(daemon, ['images', 'rm', '--sync', ref])).code).toBe(0);
    await expectCleanStore();
    const layer = img.layers[1]?.digest.slice(0, 19) as string;
    const pulling = await pullUntil(daemon, ref, (err) => err.includes(`${layer}: unpacking`));
    await daemon.kill9();
    await pulling.done;
    await daemon.restart();
    expect(daemon.logs()).toMatch(/recovered from an unclean stop/);
    await expectCleanStore();
    const r = await ctrTs(daemon, ['images', 'pull', ref]);
    expect(r.code).toBe(0);
    expect(await snapshotTree(daemon, 'default', topChainId(img), dir)).toEqual(expectedTree(img, dir));
  });
});
