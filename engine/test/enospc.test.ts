// A full data root (a small tmpfs, filled up): kill and stop still reach the container and answer
// success, state writes that failed land once there is room, and the json-file log keeps whole
// records only; a damaged record is reported by `logs`, never skipped in silence.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack({ dataRootSize: '32m' });
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const filler = () => path.join(s.dataRoot, 'filler');

/** Fills the data root to its last byte (dd stops at ENOSPC). */
function fill(): void {
  spawnSync('dd', ['if=/dev/zero', `of=${filler()}`, 'bs=64k'], { stdio: 'ignore' });
  expect(spawnSync('sh', ['-c', `echo x > ${s.dataRoot}/probe`]).status).not.toBe(0);
}

function free(): void {
  fs.rmSync(filler(), { force: true });
  fs.rmSync(path.join(s.dataRoot, 'probe'), { force: true });
}

const idOf = async (name: string) => (await s.engine(['inspect', '-f', '{{.Id}}', name])).stdout.trim();
const statusOnDisk = (id: string) => (JSON.parse(fs.readFileSync(path.join(s.dataRoot, 'containers', id, 'config.v2.json'), 'utf8')) as { State: { Status: string } }).State.Status;

test('kill and stop with the data root full: the signal is delivered, the state written once there is room', async () => {
  expect((await s.engine(['run', '-d', '--name', 'killed', 'busybox', 'sleep', '1000'])).code).toBe(0);
  expect((await s.engine(['run', '-d', '--name', 'stopped', 'busybox', 'sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done'])).code).toBe(0);
  const killed = await idOf('killed');
  const stopped = await idOf('stopped');
  fill();
  try {
    const k = await s.engine(['kill', 'killed']);
    expect({ code: k.code, stderr: k.stderr }).toEqual({ code: 0, stderr: '' });
    const st = await s.engine(['stop', '-t', '5', 'stopped']);
    expect({ code: st.code, stderr: st.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await s.engine(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'killed'])).stdout.trim()).toBe('exited 137');
    expect((await s.engine(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'stopped'])).stdout.trim()).toBe('exited 3');
    // Reported, and still pending while there is no room.
    expect(s.logs()).toMatch(/cannot write its state \(kept in memory, retrying\): ENOSPC/);
    expect(statusOnDisk(killed)).toBe('running');
  } finally {
    free();
  }
  await waitFor(() => statusOnDisk(killed) === 'exited' && statusOnDisk(stopped) === 'exited', 15_000, 'the failed state writes to land');
  // What landed is what a restarted daemon reads back.
  await s.stopEngined();
  await s.startEngined();
  expect((await s.engine(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'stopped'])).stdout.trim()).toBe('exited 3');
  await s.engine(['rm', 'killed', 'stopped']);
}, 90_000);

test('json-file log across ENOSPC: whole records only; a torn record left by a crash is reported by logs', async () => {
  const script = 'i=0; while true; do echo "record-$i-$(printf %0200d 0)"; i=$((i+1)); sleep 0.005; done';
  expect((await s.engine(['run', '-d', '--name', 'chatty', 'busybox', 'sh', '-c', script])).code).toBe(0);
  const id = await idOf('chatty');
  const logFile = path.join(s.dataRoot, 'containers', id, `${id}-json.log`);
  await waitFor(() => fs.existsSync(logFile) && fs.statSync(logFile).size > 20_000, 15_000, 'some log');
  fill();
  try {
    // The log's last page fills up while the records go on: some are cut short by the kernel.
    const full = fs.statSync(logFile).size;
    await new Promise((r) => setTimeout(r, 1500));
    expect(fs.statSync(logFile).size - full).toBeLessThan(4096 + 1);
  } finally {
    free();
  }
  const resumed = fs.statSync(logFile).size;
  await waitFor(() => fs.statSync(logFile).size > resumed + 5_000, 15_000, 'records after the disk had room again');
  await s.engine(['stop', '-t', '1', 'chatty']);
  const lines = fs.readFileSync(logFile, 'utf8').split('\n');
  expect(lines.pop()).toBe('');
  for (const line of lines) {
    const r = JSON.parse(line) as { log: string; stream: string; time: string };
    expect(r.log).toMatch(/^record-\d+-0{200}\n$/);
    expect(r.stream).toBe('stdout');
  }
  const clean = await s.engine(['logs', 'chatty']);
  expect({ code: clean.code, stderr: clean.stderr }).toEqual({ code: 0, stderr: '' });
  expect(clean.stdout.split('\n').length).toBe(lines.length + 1);

  // A writer that died mid-record leaves a line without its end: the next writer starts a new line,
  // and logs says there is damage (as dockerd: in the stream, which clients raise).
  fs.appendFileSync(logFile, '{"log":"torn-rec');
  await s.engine(['start', 'chatty']);
  await waitFor(() => fs.readFileSync(logFile, 'utf8').split('torn-rec\n')[1]?.includes('record-') === true, 15_000, 'records after the torn one');
  await s.engine(['stop', '-t', '1', 'chatty']);
  const damaged = await s.engine(['logs', 'chatty']);
  expect(damaged.code).toBe(1);
  expect(damaged.stderr).toMatch(new RegExp(`^error from daemon in stream: Error grabbing logs: damaged log record in ${id}-json.log: `));
  expect(damaged.stdout.split('\n').length).toBeGreaterThan(lines.length + 1);
  const docker = await s.docker(['logs', 'chatty']);
  expect(docker.stderr).toMatch(/error from daemon in stream: Error grabbing logs: damaged log record/);
  await s.engine(['rm', 'chatty']);
}, 90_000);
