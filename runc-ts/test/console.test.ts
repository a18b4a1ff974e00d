// process.terminal: the pty master travels over --console-socket (SCM_RIGHTS), or run relays it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linux as sys } from '../src/syscalls/linux.js';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('console');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

function readUntil(fd: number, pattern: RegExp, timeoutMs = 10_000): string {
  let text = '';
  const buf = Buffer.alloc(4096);
  const end = Date.now() + timeoutMs;
  while (!pattern.test(text)) {
    if (Date.now() > end) throw new Error(`no ${pattern} in ${JSON.stringify(text)}`);
    if (sys.poll(fd, 1, 100) & 1) {
      const n = sys.read(fd, buf);
      if (n <= 0) break;
      text += buf.subarray(0, n).toString();
    }
  }
  return text;
}

test('create --console-socket sends the pty master; the process has a controlling terminal of the set size', async () => {
  const b = await fx.bundle(['sh', '-c', 'tty; stty size; read line; echo "got $line"'], (s) => {
    s.process!.terminal = true;
    s.process!.consoleSize = { height: 33, width: 101 };
  });
  const sockPath = path.join(fx.tmp, 'console.sock');
  const listener = sys.listenUnix(sockPath, 1);
  try {
    expect(fx.runc(['create', '--console-socket', sockPath, '--bundle', b.dir, b.id])).toMatchObject({ code: 0, stderr: '' });
    const conn = sys.accept(listener);
    const payload = Buffer.alloc(64);
    const { length, fds } = sys.recvFd(conn, payload);
    sys.close(conn);
    expect(payload.subarray(0, length).toString()).toMatch(/^\/dev\/pts\/\d+$/);
    expect(fds).toHaveLength(1);
    const master = fds[0]!;
    expect(fx.runc(['start', b.id]).code).toBe(0);
    const out = readUntil(master, /33 101\r\n/);
    expect(out).toMatch(/^\/dev\/pts\/\d+\r\n33 101\r\n/);
    sys.write(master, Buffer.from('hello\n'));
    expect(readUntil(master, /got hello/)).toContain('got hello');
    sys.close(master);
  } finally {
    sys.close(listener);
  }
  fx.runc(['delete', '--force', b.id]);
});

test('terminal: true without a console socket is refused by create', async () => {
  const b = await fx.bundle(['true'], (s) => {
    s.process!.terminal = true;
  });
  const r = fx.runc(['create', '--bundle', b.dir, b.id]);
  expect(r).toMatchObject({ code: 1, stderr: 'process.terminal is true: cannot allocate a terminal without --console-socket\n' });
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
});

test('run relays a terminal itself when there is no console socket', async () => {
  const b = await fx.bundle(['sh', '-c', 'tty >/dev/null && echo is-a-tty; read x; echo "x=$x"'], (s) => {
    s.process!.terminal = true;
  });
  const run = fx.runAsync(['run', '--bundle', b.dir, b.id], 'pipe');
  await new Promise<void>((resolve) => run.child.stdout!.once('data', () => resolve()));
  run.child.stdin!.write('abc\n');
  const r = await run.done;
  expect(r.stdout).toContain('is-a-tty');
  expect(r.stdout).toContain('x=abc');
  expect(r.code).toBe(0);
});

test('run with a terminal: end of our stdin is end of file for the container', async () => {
  const b = await fx.bundle(['sh', '-c', 'cat; echo eof-seen'], (s) => {
    s.process!.terminal = true;
  });
  const run = fx.runAsync(['run', '--bundle', b.dir, b.id], 'pipe');
  run.child.stdin!.end('line\n');
  const r = await run.done;
  expect(r.stdout).toContain('eof-seen');
});
