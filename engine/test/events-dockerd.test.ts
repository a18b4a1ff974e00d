// Container events beside Debian's dockerd 20.10: the same exec, kill and stop on both, and the
// events each reports (exec_create, exec_start, exec_die, kill, die, stop) with their attributes.
import * as path from 'node:path';
import { startReferenceContainerd, startReferenceDockerd, type ReferenceContainerd, type ReferenceDockerd } from '@stack/tools';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;
let refCtd: ReferenceContainerd | undefined;
let dockerd: ReferenceDockerd | undefined;

beforeAll(async () => {
  s = await startStack();
  refCtd = await startReferenceContainerd({ dir: path.join(s.dir, 'ref-containerd') });
  dockerd = await startReferenceDockerd({ containerdSocket: refCtd.socket, dir: path.join(s.dir, 'ref-dockerd') });
  const loaded = await dockerd.docker(['load', '-i', s.busyboxArchive]);
  if (loaded.code !== 0) throw new Error(`docker load: ${loaded.stderr}`);
}, 180_000);

afterAll(async () => {
  await dockerd?.docker(['rm', '-f', 'ev']);
  await dockerd?.stop();
  await refCtd?.stop();
  await s?.cleanup();
});

type Run = (args: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

interface Event {
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

/** The steps, then the container events they caused, IDs replaced, in a stable order. */
async function scenario(run: Run, runFlags: string[]): Promise<string[]> {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  expect((await run(['run', '-d', '--name', 'ev', '--label', 'team=a', ...runFlags, 'busybox', 'sleep', '1000'])).code).toBe(0);
  const id = (await run(['inspect', '-f', '{{.Id}}', 'ev'])).stdout.trim();
  expect((await run(['exec', 'ev', 'sh', '-c', 'exit 3'])).code).toBe(3);
  // pid 1 ignores USR1 and TERM (no handlers): the first is only an event, stop needs a SIGKILL.
  expect((await run(['kill', '-s', 'USR1', 'ev'])).code).toBe(0);
  expect((await run(['stop', '-t', '1', 'ev'])).code).toBe(0);
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const r = await run(['events', '--since', since, '--until', until, '--filter', `container=${id}`, '--format', '{{json .}}']);
  await run(['rm', 'ev']);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event)
    .filter((e) => !['create', 'start', 'destroy', 'attach'].includes(e.Action))
    .map((e) => {
      const a = { ...e.Actor.Attributes };
      if (a.execID) a.execID = a.execID.length === 64 ? '<exec id>' : a.execID;
      return `${e.Action} ${JSON.stringify(Object.fromEntries(Object.entries(a).sort()))}`;
    })
    .sort();
}

test('exec_create, exec_start, exec_die, kill, die, stop: as dockerd reports them', async () => {
  const ours = await scenario((a) => s.docker(a), []);
  const theirs = await scenario((a) => dockerd!.docker(a), ['--network', 'none']);
  expect(ours).toEqual(theirs);
  expect(ours).toContain('exec_die {"execID":"<exec id>","exitCode":"3","image":"busybox","name":"ev","team":"a"}');
}, 120_000);
