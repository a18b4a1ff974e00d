// Beside Debian's dockerd 20.10: the same exec, kill and stop on both, and the events each reports
// (exec_create, exec_start, exec_die, kill, die, stop) with their attributes; and what `docker logs`
// says of a json-file log with a damaged record (a deliberate difference: dockerd stops there in
// silence, exit 0; engined reports it in the stream and goes on).
import * as fs from 'node:fs';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import type { Stack } from './support/stack.js';

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['ev']);
}, 90_000);

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

test('a damaged json-file record: docker logs reports it as dockerd does', async () => {
  const damage = async (run: Run, runFlags: string[]) => {
    expect((await run(['run', '-d', '--name', 'torn', ...runFlags, 'busybox', 'sh', '-c', 'echo one; echo two'])).code).toBe(0);
    expect((await run(['wait', 'torn'])).stdout.trim()).toBe('0');
    const logPath = (await run(['inspect', '-f', '{{.LogPath}}', 'torn'])).stdout.trim();
    // A record cut short with the next one glued to it, then a whole one.
    fs.appendFileSync(logPath, `{"log":"torn-rec{"log":"glued\\n","stream":"stdout","time":"2026-01-01T00:00:00.000000000Z"}\n`);
    fs.appendFileSync(logPath, `{"log":"after\\n","stream":"stdout","time":"2026-01-01T00:00:01.000000000Z"}\n`);
    const r = await run(['logs', 'torn']);
    await run(['rm', 'torn']);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const ours = await damage((a) => s.docker(a), []);
  const theirs = await damage((a) => dockerd!.docker(a), ['--network', 'none']);
  // dockerd 20.10 ends the logs at the damage and says nothing.
  expect(theirs).toEqual({ code: 0, stdout: 'one\ntwo\n', stderr: '' });
  // The same records up to the damage; then the error, which the docker client raises (it stops
  // reading there; `engine logs` goes on to the records after it).
  expect(ours.stdout).toBe(theirs.stdout);
  expect(ours.code).toBe(1);
  expect(ours.stderr).toMatch(/^error from daemon in stream: Error grabbing logs: damaged log record in [a-f0-9]{64}-json\.log: /);
  const engine = await (async () => {
    expect((await s.engine(['run', '-d', '--name', 'torn2', 'busybox', 'sh', '-c', 'echo one'])).code).toBe(0);
    await s.engine(['wait', 'torn2']);
    const logPath = (await s.engine(['inspect', '-f', '{{.LogPath}}', 'torn2'])).stdout.trim();
    fs.appendFileSync(logPath, `{"log":"torn-rec\n{"log":"after\\n","stream":"stdout","time":"2026-01-01T00:00:01.000000000Z"}\n`);
    const r = await s.engine(['logs', 'torn2']);
    await s.engine(['rm', 'torn2']);
    return r;
  })();
  expect({ code: engine.code, stdout: engine.stdout }).toEqual({ code: 1, stdout: 'one\nafter\n' });
  expect(engine.stderr).toMatch(/^error from daemon in stream: Error grabbing logs: damaged log record/);
}, 60_000);
