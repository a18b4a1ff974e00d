// Exit codes of the engine CLI on engined against Debian's docker client on Debian's dockerd (on a
// containerd of its own): the same command lines, the same statuses.
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
  for (const run of [(a: string[]) => s.engine(a), (a: string[]) => dockerd!.docker(a)]) {
    const r = await run(['run', '-d', '--network', 'none', '--name', 'target', 'busybox', 'sleep', '600']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }
}, 180_000);

afterAll(async () => {
  await side?.stop(['target']);
}, 90_000);

const CASES: Array<readonly string[]> = [
  ['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'exit 3'],
  ['run', '--rm', '--network', 'none', 'busybox', 'no-such-binary'],
  ['run', '--rm', '--network', 'none', 'busybox', '/etc'],
  ['run', '--name', 'target', '--network', 'none', 'busybox'],
  ['run', '--rm', '--bogus', 'busybox', 'true'],
  ['create', '--name', 'target', '--network', 'none', 'busybox'],
  ['exec', 'target', 'sh', '-c', 'exit 4'],
  ['exec', 'nosuch', 'true'],
  ['rm', 'nosuch'],
  ['start', 'nosuch'],
  ['stop', 'nosuch'],
  ['logs', 'nosuch'],
  ['inspect', 'nosuch'],
  ['inspect', '-f', '{{.Name', 'target'],
  ['inspect', '-f', '{{.Nope}}', 'target'],
  ['ps', '--bogus'],
  ['ps', 'extra'],
  ['rmi', 'nosuch:1'],
];

// A command exec cannot start: dockerd 20.10 writes its error into the output stream, and so does engined.
test.each([['no-such-binary', /executable file not found/], ['/etc', /permission denied/]] as const)('exec %s: 126 as docker on dockerd', async (cmd, message) => {
  const ours = await s.engine(['exec', 'target', cmd]);
  const theirs = await dockerd!.docker(['exec', 'target', cmd]);
  expect(theirs).toMatchObject({ code: 126, stdout: expect.stringMatching(message) });
  expect(ours).toMatchObject({ code: 126, stdout: expect.stringMatching(message) });
}, 60_000);

test.each(CASES.map((a) => [a.join(' '), a]))('exit status as docker on dockerd: %s', async (_name, args) => {
  const ours = await s.engine(args as readonly string[]);
  const theirs = await dockerd!.docker(args as readonly string[]);
  expect({ code: ours.code, stdout: ours.stdout.replace(/\b[0-9a-f]{64}\b/g, '<ID>') }).toEqual({ code: theirs.code, stdout: theirs.stdout.replace(/\b[0-9a-f]{64}\b/g, '<ID>') });
}, 60_000);
