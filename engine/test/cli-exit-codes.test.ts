// Exit codes of the engine CLI on engined against Debian's docker client on Debian's dockerd (on a
// containerd of its own): the same command lines, the same statuses.
import { startReferenceContainerd, startReferenceDockerd, type ReferenceContainerd, type ReferenceDockerd } from '@stack/tools';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;
let containerd: ReferenceContainerd | undefined;
let dockerd: ReferenceDockerd | undefined;

beforeAll(async () => {
  s = await startStack();
  containerd = await startReferenceContainerd();
  dockerd = await startReferenceDockerd({ containerdSocket: containerd.socket });
  expect((await dockerd.docker(['load', '-i', s.busyboxArchive])).code).toBe(0);
  for (const run of [(a: string[]) => s.engine(a), (a: string[]) => dockerd!.docker(a)]) {
    expect((await run(['run', '-d', '--network', 'none', '--name', 'c', 'busybox', 'sleep', '600'])).code).toBe(0);
  }
}, 180_000);

afterAll(async () => {
  await dockerd?.docker(['rm', '-f', 'c']).catch(() => undefined);
  await dockerd?.stop();
  await containerd?.stop();
  await s?.cleanup();
}, 60_000);

const CASES: Array<readonly string[]> = [
  ['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'exit 3'],
  ['run', '--rm', '--network', 'none', 'busybox', 'no-such-binary'],
  ['run', '--rm', '--network', 'none', 'busybox', '/etc'],
  ['run', '--name', 'c', '--network', 'none', 'busybox'],
  ['run', '--rm', '--bogus', 'busybox', 'true'],
  ['create', '--name', 'c', '--network', 'none', 'busybox'],
  ['exec', 'c', 'sh', '-c', 'exit 4'],
  ['exec', 'c', 'no-such-binary'],
  ['exec', 'c', '/etc'],
  ['exec', 'nosuch', 'true'],
  ['rm', 'nosuch'],
  ['start', 'nosuch'],
  ['stop', 'nosuch'],
  ['logs', 'nosuch'],
  ['inspect', 'nosuch'],
  ['inspect', '-f', '{{.Name', 'c'],
  ['inspect', '-f', '{{.Nope}}', 'c'],
  ['ps', '--bogus'],
  ['ps', 'extra'],
  ['rmi', 'nosuch:1'],
];

test.each(CASES.map((a) => [a.join(' '), a]))('exit status as docker on dockerd: %s', async (_name, args) => {
  const ours = await s.engine(args as readonly string[]);
  const theirs = await dockerd!.docker(args as readonly string[]);
  expect({ code: ours.code, stdout: ours.stdout.replace(/\b[0-9a-f]{64}\b/g, '<ID>') }).toEqual({ code: theirs.code, stdout: theirs.stdout.replace(/\b[0-9a-f]{64}\b/g, '<ID>') });
}, 60_000);
