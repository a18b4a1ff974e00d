// PtyMaster on a real pty of the host: all output up to the slave's close, flow control, input in
// order, resizes, and one close of the fd.
import { PtyMaster } from '../src/console/pty-master.js';
import { O, TIOCGPTN, TIOCGWINSZ, TIOCSPTLCK } from '../src/syscalls/constants.js';
import { linux as sys } from '../src/syscalls/linux.js';

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) {
    try {
      sys.close(fd);
    } catch {
      // closed by the test
    }
  }
});

function openPty(): { master: number; slave: number } {
  const master = sys.open('/dev/ptmx', O.RDWR | O.NOCTTY | O.CLOEXEC);
  sys.ioctlBuf(master, TIOCSPTLCK, Buffer.alloc(4));
  const n = Buffer.alloc(4);
  sys.ioctlBuf(master, TIOCGPTN, n);
  const slave = sys.open(`/dev/pts/${n.readInt32LE(0)}`, O.RDWR | O.NOCTTY | O.CLOEXEC);
  opened.push(slave);
  return { master, slave };
}

function collect(p: PtyMaster): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    p.output.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.output.on('end', () => resolve(out));
  });
}

function closeSlave(slave: number): void {
  sys.close(slave);
  opened.splice(opened.indexOf(slave), 1);
}

test('output written just before the slave closes arrives, then the output ends', async () => {
  for (let round = 0; round < 20; round++) {
    const { master, slave } = openPty();
    const p = new PtyMaster(sys, master);
    const out = collect(p);
    sys.write(slave, Buffer.from('one\n'));
    await new Promise((r) => setImmediate(r));
    sys.write(slave, Buffer.from('two\n'));
    closeSlave(slave);
    expect(await out).toBe('one\r\ntwo\r\n');
    p.close();
  }
});

test('a slow reader gets every byte of a large output', async () => {
  const { master, slave } = openPty();
  const p = new PtyMaster(sys, master);
  const line = `${'x'.repeat(99)}\n`;
  const total = 4000;
  let rest = Buffer.from(line.repeat(total));
  const on = Buffer.alloc(4);
  on.writeInt32LE(1);
  sys.ioctlBuf(slave, 0x5421 /* FIONBIO */, on);
  // Written from the event loop as the pty's buffer makes room: the reader is this same thread.
  const writer = setInterval(() => {
    try {
      while (rest.length > 0) rest = rest.subarray(sys.write(slave, rest.subarray(0, 4096)));
    } catch (err) {
      if ((err as { code?: string }).code !== 'EAGAIN') throw err;
    }
    if (rest.length === 0) {
      clearInterval(writer);
      closeSlave(slave);
    }
  }, 1);
  let bytes = 0;
  const ended = new Promise<void>((resolve) => {
    p.output.on('data', (d: Buffer) => {
      bytes += d.length;
      p.output.pause();
      setTimeout(() => p.output.resume(), 1);
    });
    p.output.on('end', resolve);
  });
  await ended;
  expect(bytes).toBe(total * (line.length + 1)); // each \n becomes \r\n
  p.close();
});

test('input reaches the slave in order, more than the terminal buffers at once', async () => {
  const { master, slave } = openPty();
  const p = new PtyMaster(sys, master);
  // Raw mode for the slave, so what we write is what it reads.
  const termios = Buffer.alloc(60);
  sys.ioctlBuf(slave, 0x5401 /* TCGETS */, termios);
  termios.writeUInt32LE(0, 0); // c_iflag
  termios.writeUInt32LE(0, 12); // c_lflag
  sys.ioctlBuf(slave, 0x5402 /* TCSETS */, termios);
  const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(1000, 65 + (i % 26)));
  for (const c of chunks) p.write(c);
  const want = Buffer.concat(chunks);
  const got: Buffer[] = [];
  let n = 0;
  const buf = Buffer.alloc(65536);
  while (n < want.length) {
    await new Promise((r) => setTimeout(r, 2));
    if (sys.poll(slave, 1, 0) & 1) {
      const k = sys.read(slave, buf);
      got.push(Buffer.from(buf.subarray(0, k)));
      n += k;
    }
  }
  expect(Buffer.concat(got).equals(want)).toBe(true);
  p.close();
});

test('resize sets the window size the slave sees', () => {
  const { master, slave } = openPty();
  const p = new PtyMaster(sys, master);
  p.resize(97, 31);
  const ws = Buffer.alloc(8);
  sys.ioctlBuf(slave, TIOCGWINSZ, ws);
  expect([ws.readUInt16LE(0), ws.readUInt16LE(2)]).toEqual([31, 97]);
  p.close();
});

test('close ends the output and closes the fd once; later calls do nothing', async () => {
  const { master } = openPty();
  const p = new PtyMaster(sys, master);
  const out = collect(p);
  p.close();
  expect(await out).toBe('');
  expect(() => sys.fdPath(master)).toThrow();
  p.close();
  p.write(Buffer.from('ignored'));
  p.resize(1, 1);
});
