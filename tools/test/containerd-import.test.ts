import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage, type BuiltImage } from '../src/index.js';
import { runCommand, runOk } from './run-command.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

// Debian's containerd, on private paths, as an independent reader of the archive.

describe('ctr images import of the busybox archive', () => {
  let tmp: string;
  let containerd: ChildProcess | undefined;
  let socket: string;
  let image: BuiltImage;

  beforeAll(async () => {
    tmp = makeTempDir('tools-containerd');
    socket = path.join(tmp, 'containerd.sock');
    const config = [
      'version = 2',
      `root = "${tmp}/root"`,
      `state = "${tmp}/state"`,
      // No CRI, and no plugin that would write outside tmp (opt installs into /opt/containerd).
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt"]',
      '[grpc]',
      `  address = "${socket}"`,
      '[ttrpc]',
      `  address = "${socket}.ttrpc"`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'config.toml'), config);
    const log = fs.openSync(path.join(tmp, 'containerd.log'), 'w');
    containerd = spawn('containerd', ['--config', path.join(tmp, 'config.toml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    await waitForContainerd(containerd);
    image = await buildBusyboxImage({ outDir: path.join(tmp, 'layout'), archivePath: path.join(tmp, 'busybox.tar') });
  });

  afterAll(async () => {
    try {
      if (containerd) await stopProcess(containerd);
    } finally {
      removeTempDir(tmp);
    }
  });

  async function waitForContainerd(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`containerd exited: ${fs.readFileSync(path.join(tmp, 'containerd.log'), 'utf8').slice(-2000)}`);
      if (fs.existsSync(socket) && (await runCommand('ctr', ['--address', socket, 'version'], 5000)).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('containerd did not come up within 20 s');
  }

  test('imports the archive under its name, with the built manifest digest, and unpacks it', async () => {
    const out = await runOk('ctr', ['--address', socket, '-n', 'test', 'images', 'import', image.archivePath ?? ''], 60_000);
    expect(out).toMatch(/unpacking docker\.io\/library\/busybox:latest .*done/);
    const ls = await runOk('ctr', ['--address', socket, '-n', 'test', 'images', 'ls']);
    const row = ls.split('\n').find((l) => l.startsWith('docker.io/library/busybox:latest '));
    expect(row).toBeDefined();
    expect(row).toContain(image.manifestDigest);
    expect(row).toContain('application/vnd.oci.image.manifest.v1+json');
    // complete (2/2) … true: both blobs are in the content store and the layer was unpacked.
    const check = await runOk('ctr', ['--address', socket, '-n', 'test', 'images', 'check']);
    expect(check).toMatch(/docker\.io\/library\/busybox:latest\s+\S+\s+\S+\s+complete \(2\/2\).*true/);
  });
});

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
