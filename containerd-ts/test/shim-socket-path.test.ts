// Shim socket paths fit sun_path whatever the namespace and state dir: a real socket is bound and
// connected through the paths the launcher would hand to shim-ts.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { shimGroup, shimStateDir, shortLinkFor, SUN_PATH_MAX } from '../src/core/tasks/shim-socket-path.js';
import { tempDir } from './support/temp.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('shim-sock-');
});
afterEach(() => {
  for (const d of [dir, path.join(dir, 'x'.repeat(60), 'y'.repeat(40), 'shims')]) fs.rmSync(shortLinkFor(d), { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

async function bindAndConnect(socket: string, whileBound: () => void = () => undefined): Promise<void> {
  fs.mkdirSync(path.dirname(socket), { recursive: true });
  const server = net.createServer((c) => c.end('ok'));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
  try {
    const got = await new Promise<string>((resolve, reject) => {
      let out = '';
      net.connect(socket).on('data', (d) => (out += d.toString())).on('end', () => resolve(out)).on('error', reject);
    });
    expect(got).toBe('ok');
    whileBound();
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('a short namespace keeps its own group; a 76-character one is hashed and its socket fits', async () => {
  const state = path.join(dir, 'shims');
  expect(shimStateDir(state)).toBe(state);
  expect(shimGroup(state, 'default')).toBe('default');
  const long = 'n'.repeat(76);
  const group = shimGroup(state, long);
  expect(group).toMatch(/^ns\+[0-9a-f]{24}$/);
  expect(shimGroup(state, long)).toBe(group);
  expect(shimGroup(state, 'm'.repeat(76))).not.toBe(group);
  const socket = path.join(state, group, 'shim.sock');
  expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(SUN_PATH_MAX);
  await bindAndConnect(socket);
});

test('a state dir too long for any socket is reached through a short link to it', async () => {
  const state = path.join(dir, 'x'.repeat(60), 'y'.repeat(40), 'shims');
  const shimDir = shimStateDir(state);
  expect(shimDir).toBe(shortLinkFor(state));
  expect(fs.realpathSync(shimDir)).toBe(fs.realpathSync(state));
  // Idempotent, and a link pointing elsewhere is replaced.
  expect(shimStateDir(state)).toBe(shimDir);
  fs.rmSync(shimDir);
  fs.symlinkSync(dir, shimDir);
  expect(shimStateDir(state)).toBe(shimDir);
  expect(fs.readlinkSync(shimDir)).toBe(path.resolve(state));
  const group = shimGroup(shimDir, 'n'.repeat(76));
  // The socket is in the real state dir.
  await bindAndConnect(path.join(shimDir, group, 'shim.sock'), () => expect(fs.statSync(path.join(state, group, 'shim.sock')).isSocket()).toBe(true));
});
