// ctr-ts's container and task commands against a real containerd-ts (as root): exit codes and
// signals, exec, attach with a terminal, pause/resume, metrics, logging, --rm leaving nothing,
// and bad input that creates nothing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Status } from '@stack/proto/gen/containerd/types/task/task_pb';
import { buildCtrSnapshot } from '../src/build/ctr-snapshot.js';
import { CTR_TS_BIN, run } from './support/daemon.js';
import { IMAGE, startTaskFixture, waitFor, type TaskFixture } from './support/tasks.js';

jest.setTimeout(120_000);

let f: TaskFixture;
beforeAll(async () => {
  f = await startTaskFixture('ctrts');
});
afterAll(() => f?.cleanup());

const ok = async (args: string[]) => {
  const r = await f.ctrTs(args);
  if (r.code !== 0) throw new Error(`ctr-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
};

/** What the daemon holds for an id: container record, snapshot, task, and a mounted rootfs. */
async function leftovers(id: string): Promise<string[]> {
  const found: string[] = [];
  if ((await ok(['containers', 'ls', '-q'])).split('\n').includes(id)) found.push('container');
  if ((await ok(['snapshots', 'ls'])).split('\n').some((l) => l.split(/\s+/)[0] === id)) found.push('snapshot');
  if ((await ok(['tasks', 'ls', '-q'])).split('\n').includes(id)) found.push('task');
  if (fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(`/${id}/rootfs `)) found.push('mount');
  return found;
}

/**
 * Runs ctr-ts under script(1), so it has a terminal (97x31) of its own, and types each input once
 * the output matches its prompt; killed after 30 s (the output so far tells what went wrong).
 */
function inTerminal(args: string[], inputs: Array<[RegExp, string]>): Promise<{ out: string; code: number }> {
  const cmd = [process.execPath, CTR_TS_BIN, '--address', f.d.socket, '-n', f.ns, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve) => {
    const c = spawn('script', ['-qec', `stty cols 97 rows 31; ${cmd}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let next = 0;
    const feed = () => {
      const step = inputs[next];
      if (step && step[0].test(out)) {
        next++;
        c.stdin.write(step[1]);
        setTimeout(feed, 100);
      }
    };
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      feed();
    });
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
    const poll = setInterval(feed, 300); // a prompt printed before we attached will not come again
    c.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ out, code: code ?? -1 });
    });
  });
}

describe('run in the foreground', () => {
  test('output, stderr and the exit status; --rm leaves no container, snapshot, task or mount', async () => {
    const r = await f.ctrTs(['run', '--rm', IMAGE, 'fg1', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ stdout: 'out\n', stderr: 'err\n', code: 3 });
    expect(await leftovers('fg1')).toEqual([]);
  });

  test('a short image name, stdin to the container, and the image\'s command by default', async () => {
    const r = await new Promise<{ out: string; code: number | null }>((resolve) => {
      const c = spawn(process.execPath, [CTR_TS_BIN, '--address', f.d.socket, '-n', f.ns, 'run', '--rm', 'busybox', 'fg2'], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stdin.end('echo from-stdin; exit 4\n'); // the image's Cmd is sh
      c.once('exit', (code) => resolve({ out, code }));
    });
    expect(r).toEqual({ out: 'from-stdin\n', code: 4 });
  });

  test('a process killed by a signal: 128 + its number', async () => {
    const c = spawn(process.execPath, [CTR_TS_BIN, '--address', f.d.socket, '-n', f.ns, 'run', '--rm', IMAGE, 'fg3', 'sleep', '60'], { stdio: 'ignore' });
    const code = new Promise((r) => c.once('exit', r));
    await waitFor(async () => (await f.ctrTs(['tasks', 'ls'])).stdout.includes('RUNNING'), 15_000, 'fg3 to run');
    await ok(['tasks', 'kill', '-s', 'KILL', 'fg3']);
    expect(await code).toBe(137);
    expect(await leftovers('fg3')).toEqual([]);
  });

  test('without --rm the container stays, its task is deleted', async () => {
    expect((await f.ctrTs(['run', IMAGE, 'fg4', 'true'])).code).toBe(0);
    expect(await leftovers('fg4')).toEqual(['container', 'snapshot']);
    await ok(['containers', 'rm', 'fg4']);
    expect(await leftovers('fg4')).toEqual([]);
  });

  test('SIGTERM to ctr-ts reaches the container (no terminal)', async () => {
    const c = spawn(process.execPath, [CTR_TS_BIN, '--address', f.d.socket, '-n', f.ns, 'run', '--rm', IMAGE, 'fg5', 'sh', '-c', 'trap "echo trapped; exit 9" TERM; echo ready; while :; do sleep 0.1; done'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('ready'), 15_000, 'the container to start');
    c.kill('SIGTERM');
    const code = await new Promise((r) => c.once('exit', r));
    expect(out).toBe('ready\ntrapped\n');
    expect(code).toBe(9);
    expect(await leftovers('fg5')).toEqual([]);
  });

  test('container flags: --env, --cwd, --user (ids and names), a read-only bind --mount', async () => {
    const host = fs.mkdtempSync(path.join(f.d.dir, 'bind-'));
    fs.chmodSync(host, 0o755);
    fs.writeFileSync(path.join(host, 'hello'), 'from-host\n');
    const r = await f.ctrTs([
      'run', '--rm', '--env', 'FOO=bar', '--env', 'PATH=/bin', '--cwd', '/tmp', '--user', '1000:1000',
      '--mount', `type=bind,src=${host},dst=/host,options=rbind:ro`,
      IMAGE, 'fl1', 'sh', '-c', 'echo "$FOO $PATH"; pwd; id -u; id -g; cat /host/hello; touch /host/x 2>/dev/null || echo ro',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('bar /bin\n/tmp\n1000\n1000\nfrom-host\nro\n');
    // The primary gid is a supplementary group too, as containerd 1.6.18+ sets it (CVE-2023-25173).
    expect((await f.ctrTs(['run', '--rm', '--user', 'nobody', IMAGE, 'fl2', 'id'])).stdout).toBe('uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
    expect((await f.ctrTs(['run', '--rm', '--user', '1000', IMAGE, 'fl3', 'id', '-g'])).stdout).toBe('1000\n'); // the group from /etc/passwd
  });

  test('--cpus sets the CFS quota', async () => {
    await ok(['run', '-d', '--cpus', '1.5', IMAGE, 'cpu1', 'sleep', '60']);
    const quota = `/sys/fs/cgroup/cpu/${f.ns}/cpu1/cpu.cfs_quota_us`;
    if (fs.existsSync(quota)) expect(fs.readFileSync(quota, 'utf8').trim()).toBe('150000');
    else expect(fs.readFileSync(`/sys/fs/cgroup/${f.ns}/cpu1/cpu.max`, 'utf8').trim()).toBe('150000 100000');
    await ok(['tasks', 'kill', '-s', 'KILL', 'cpu1']);
    await ok(['tasks', 'rm', '-f', 'cpu1']);
    await ok(['containers', 'rm', 'cpu1']);
  });

  test('--runc-binary: Debian\'s runc runs the container', async () => {
    const r = await f.ctrTs(['run', '--rm', '--runc-binary', '/usr/sbin/runc', IMAGE, 'rb1', 'sh', '-c', 'echo via-runc; exit 2']);
    expect(r).toMatchObject({ stdout: 'via-runc\n', code: 2 });
    expect(await leftovers('rb1')).toEqual([]);
  });
});

describe('a detached task', () => {
  test('ls, ps, exec, pause/resume, metrics, kill -s TERM of a trapping shell, rm', async () => {
    await ok(['run', '-d', '--memory-limit', '33554432', IMAGE, 'd1', 'sh', '-c', 'trap "exit 7" TERM; while :; do sleep 0.1; done']);
    expect(await ok(['tasks', 'ls'])).toMatch(/^TASK\s+PID\s+STATUS\n(.*\n)*d1\s+\d+\s+RUNNING/);
    const listed = JSON.parse(await ok(['--format', 'json', 'tasks', 'ls'])) as Array<{ id: string; pid: number; status: string }>;
    const pid = listed.find((t) => t.id === 'd1')?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);

    const e = await f.ctrTs(['tasks', 'exec', '--exec-id', 'e1', 'd1', 'sh', '-c', 'echo exec-out; echo exec-err >&2; exit 5']);
    expect(e).toMatchObject({ stdout: 'exec-out\n', stderr: 'exec-err\n', code: 5 });
    await ok(['tasks', 'exec', '-d', '--exec-id', 'e2', 'd1', 'sleep', '30']);
    const ps = await ok(['tasks', 'ps', 'd1']);
    expect(ps).toMatch(new RegExp(`^PID\\s+INFO\\n(.*\\n)*${pid}\\s+-`));
    expect(ps).toMatch(/\d+\s+exec-id=e2/);
    await ok(['tasks', 'kill', '-s', 'KILL', '--exec-id', 'e2', 'd1']);
    await ok(['tasks', 'rm', '-f', '--exec-id', 'e2', 'd1']);

    await ok(['t', 'pause', 'd1']);
    expect(await ok(['t', 'ls'])).toMatch(/d1\s+\d+\s+PAUSED/);
    await ok(['t', 'resume', 'd1']);
    expect(await ok(['t', 'ls'])).toMatch(/d1\s+\d+\s+RUNNING/);

    const m = await ok(['tasks', 'metrics', 'd1']);
    expect(m).toMatch(/^ID\s+TIMESTAMP\nd1\s+\d{4}-\d\d-\d\dT/);
    expect(m).toMatch(/memory\.limit_in_bytes\s+33554432\n/);
    expect(m).toMatch(/memory\.usage_in_bytes\s+[1-9]\d*\n/);
    expect(m).toMatch(/cpuacct\.usage\s+[1-9]\d*\n/);
    expect(m).toMatch(/pids\.current\s+[1-9]\n/);
    const mj = JSON.parse(await ok(['--format', 'json', 'tasks', 'metrics', 'd1'])) as { id: string; data: { memory: { usage: { limit: number } }; pids: { current: number } } };
    expect(mj).toMatchObject({ id: 'd1', data: { memory: { usage: { limit: 33554432 } } } });
    expect(mj.data.pids.current).toBeGreaterThan(0);

    const rm = await f.ctrTs(['tasks', 'rm', 'd1']);
    expect(rm.stderr).toMatch(/task d1 must be stopped before deletion \(it is RUNNING/);
    expect((await f.ctrTs(['containers', 'rm', 'd1'])).stderr).toMatch(/cannot delete container d1: its task is RUNNING/);

    await ok(['tasks', 'kill', '-s', 'TERM', 'd1']);
    await waitFor(async () => (await f.tasks.get({ containerId: 'd1' })).process?.status === Status.STOPPED, 10_000, 'd1 to stop');
    expect((await f.tasks.get({ containerId: 'd1' })).process?.exitStatus).toBe(7);
    expect(await ok(['tasks', 'ls'])).toMatch(/d1\s+\d+\s+STOPPED/);
    await ok(['tasks', 'rm', 'd1']);
    await ok(['containers', 'rm', 'd1']);
    expect(await leftovers('d1')).toEqual([]);
  });

  test('-d --log-uri jsonlog://: output is logged line by line, each line a record with stream and time', async () => {
    const log = path.join(f.d.dir, 'lg1.log');
    await ok(['run', '-d', '--log-uri', `jsonlog://${log}`, IMAGE, 'lg1', 'sh', '-c', 'for i in 1 2 3; do echo out$i; echo err$i >&2; done; printf tail']);
    await waitFor(async () => (await f.tasks.get({ containerId: 'lg1' })).process?.status === Status.STOPPED, 10_000, 'lg1 to exit');
    const records = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
    const of = (stream: string) => records.filter((r) => r.stream === stream).map((r) => r.log);
    expect(of('stdout')).toEqual(['out1\n', 'out2\n', 'out3\n', 'tail']);
    expect(of('stderr')).toEqual(['err1\n', 'err2\n', 'err3\n']);
    for (const r of records) expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    await ok(['tasks', 'rm', 'lg1']);
    await ok(['containers', 'rm', 'lg1']);
  });

  test('-d --log-uri file://: plain output', async () => {
    const log = path.join(f.d.dir, 'lg2.log');
    await ok(['run', '-d', '--log-uri', `file://${log}`, IMAGE, 'lg2', 'sh', '-c', 'echo a; echo b']);
    await waitFor(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8') === 'a\nb\n', 10_000, 'the log');
    await ok(['tasks', 'rm', '-f', 'lg2']);
    await ok(['containers', 'rm', 'lg2']);
  });

  test('containers create, then tasks start -d and tasks start in the foreground', async () => {
    await ok(['containers', 'create', '--env', 'X=1', IMAGE, 'cs1', 'sh', '-c', 'echo "x=$X"; exit 6']);
    expect(await leftovers('cs1')).toEqual(['container', 'snapshot']);
    const r = await f.ctrTs(['tasks', 'start', 'cs1']);
    expect(r).toMatchObject({ stdout: 'x=1\n', code: 6 });
    expect(await leftovers('cs1')).toEqual(['container', 'snapshot']); // the foreground task is deleted
    await ok(['tasks', 'start', '-d', 'cs1']);
    await waitFor(async () => (await f.tasks.get({ containerId: 'cs1' })).process?.status === Status.STOPPED, 10_000, 'cs1 to exit');
    await ok(['containers', 'rm', 'cs1']); // takes the stopped task with it
    expect(await leftovers('cs1')).toEqual([]);
  });

  test('stock ctr sees and drives a ctr-ts container', async () => {
    await ok(['run', '-d', IMAGE, 'st1', 'sleep', '60']);
    expect((await f.ctr(['task', 'ls'])).stdout).toMatch(/st1\s+\d+\s+RUNNING/);
    expect(await f.ctr(['task', 'exec', '--exec-id', 'x', 'st1', 'echo', 'hi'])).toMatchObject({ stdout: 'hi\n', code: 0 });
    expect((await f.ctr(['task', 'kill', '-s', 'SIGKILL', 'st1'])).code).toBe(0);
    await waitFor(async () => (await f.tasks.get({ containerId: 'st1' })).process?.status === Status.STOPPED, 10_000, 'st1 to stop');
    expect((await f.ctr(['task', 'rm', 'st1'])).code).toBe(0);
    expect((await f.ctr(['containers', 'rm', 'st1'])).code).toBe(0);
    expect(await leftovers('st1')).toEqual([]);
  });
});

describe('terminals', () => {
  test('run -t: a pty of our size; ^C goes to the container as a byte', async () => {
    // sh ignores ^C at its prompt; `cat` started from it is interrupted by the pty's SIGINT. The ^C
    // is typed once cat has echoed a line back: sent earlier, it can reach the pty before cat is
    // the terminal's foreground process, and be lost.
    const r = await inTerminal(['run', '-t', '--rm', IMAGE, 'tt1', 'sh'], [
      [/# /, 'tty; stty size; echo cat-$((1+1)); cat\r'],
      [/cat-2/, 'ping\r'],
      [/ping[\s\S]*ping/, '\x03'],
      [/\^C/, 'echo after-int; exit 5\r'],
    ]);
    expect(r.out).toMatch(/\/dev\/pts\/\d+/);
    expect(r.out).toMatch(/31 97/);
    expect(r.out).toMatch(/after-int/);
    expect(r.code).toBe(5);
    expect(await leftovers('tt1')).toEqual([]);
  });

  test('tasks attach to a detached task with a terminal, and tasks exec -t', async () => {
    await ok(['run', '-d', '-t', IMAGE, 'at1', 'sh']);
    const x = await inTerminal(['tasks', 'exec', '-t', '--exec-id', 'x1', 'at1', 'sh', '-c', 'tty; stty size'], []);
    expect(x.out).toMatch(/\/dev\/pts\/\d+\s+31 97/);
    expect(x.code).toBe(0);
    const r = await inTerminal(['tasks', 'attach', 'at1'], [[/^/, 'echo attached-$((6*7)); stty size; exit 6\r']]);
    expect(r.out).toMatch(/attached-42/);
    expect(r.out).toMatch(/31 97/);
    expect(r.code).toBe(6);
    expect(await ok(['tasks', 'ls'])).toMatch(/at1\s+\d+\s+STOPPED/);
    await ok(['tasks', 'rm', 'at1']);
    await ok(['containers', 'rm', 'at1']);
  });
});

describe('bad input', () => {
  const fails = async (args: string[], message: RegExp) => {
    const r = await f.ctrTs(args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  };

  test('malformed flags are refused before anything is created', async () => {
    await fails(['run', '--rm', '--mount', 'type=bind,dst=rel', IMAGE, 'b1', 'true'], /invalid --mount "type=bind,dst=rel": dst must be an absolute path/);
    await fails(['run', '--rm', '--mount', 'type=bind,dst=/x', IMAGE, 'b1', 'true'], /a bind mount needs src/);
    await fails(['run', '--rm', '--mount', 'src=/tmp,dst=/x,ro', IMAGE, 'b1', 'true'], /expected key=value fields/);
    await fails(['run', '--rm', '--env', 'NOEQUALS', IMAGE, 'b1', 'true'], /invalid --env "NOEQUALS": want KEY=VALUE/);
    await fails(['run', '--rm', '--user', '1:2:3', IMAGE, 'b1', 'true'], /invalid user "1:2:3"/);
    await fails(['run', '--rm', '--memory-limit', '64m', IMAGE, 'b1', 'true'], /invalid --memory-limit "64m"/);
    await fails(['run', '--rm', '--cpus', '-1', IMAGE, 'b1', 'true'], /invalid --cpus "-1"/);
    await fails(['run', '-d', '--log-uri', 'syslog://x', IMAGE, 'b1', 'true'], /unsupported scheme syslog:/);
    await fails(['run', '--rm', '-d', IMAGE, 'b1', 'true'], /--rm and --detach cannot be used together/);
    await fails(['tasks', 'kill', '-s', 'SIGNOPE', 'b1'], /invalid signal "SIGNOPE"/);
    expect(await leftovers('b1')).toEqual([]);
  });

  test('unknown image, container, task', async () => {
    await fails(['run', '--rm', 'no-such-image', 'b2', 'true'], /image "no-such-image": not found/);
    await fails(['tasks', 'start', 'b2'], /container "?b2"?: not found/);
    for (const cmd of [['kill'], ['pause'], ['resume'], ['ps'], ['metrics'], ['rm'], ['attach'], ['exec', '--exec-id', 'e']]) {
      await fails(['tasks', ...cmd, 'b2', ...(cmd[0] === 'exec' ? ['true'] : [])], /b2"?: not found/);
    }
    await fails(['run', '--rm', '--user', 'ghost', IMAGE, 'b2', 'true'], /unable to find user ghost/);
    expect(await leftovers('b2')).toEqual([]);
  });

  test('a task that cannot be created or started leaves nothing behind', async () => {
    await fails(['run', '--rm', IMAGE, 'b3', '/no/such/binary'], /no\/such\/binary/);
    expect(await leftovers('b3')).toEqual([]);
    await fails(['run', '-d', IMAGE, 'b4', '/no/such/binary'], /no\/such\/binary/);
    expect(await leftovers('b4')).toEqual([]);
  });

  test('a duplicate id is refused and the first container is untouched', async () => {
    await ok(['run', '-d', IMAGE, 'dup', 'sleep', '60']);
    await fails(['run', '-d', IMAGE, 'dup', 'true'], /dup.*already exists/);
    expect(await ok(['tasks', 'ls'])).toMatch(/dup\s+\d+\s+RUNNING/);
    await ok(['tasks', 'rm', '-f', 'dup']);
    await ok(['containers', 'rm', 'dup']);
    expect(await leftovers('dup')).toEqual([]);
  });

  test('exec on an exited task, attach to an exited task', async () => {
    await ok(['run', '-d', IMAGE, 'ex1', 'true']);
    await waitFor(async () => (await f.tasks.get({ containerId: 'ex1' })).process?.status === Status.STOPPED, 10_000, 'ex1 to exit');
    await fails(['tasks', 'exec', '--exec-id', 'late', 'ex1', 'true'], /stopped/);
    await fails(['tasks', 'attach', 'ex1'], /task ex1 is not running/);
    await fails(['tasks', 'kill', 'ex1'], /process already finished/);
    await ok(['tasks', 'rm', 'ex1']);
    await ok(['containers', 'rm', 'ex1']);
  });
});

test('the startup snapshot (bin/ctr-ts\'s fast path) runs a container as the plain modules do', async () => {
  const { blob } = await buildCtrSnapshot(fs.mkdtempSync(path.join(f.d.dir, 'snapshot-')));
  const r = await run(process.execPath, ['--snapshot-blob', blob, '--', '--address', f.d.socket, '-n', f.ns, 'run', '--rm', '--env', 'V=snap', IMAGE, 'sn1', 'sh', '-c', 'echo "$V"; exit 3']);
  expect(r).toEqual({ stdout: 'snap\n', stderr: '', code: 3 });
  expect(await leftovers('sn1')).toEqual([]);
});

test('nothing of the test is left in the daemon', async () => {
  expect((await ok(['containers', 'ls', '-q'])).trim()).toBe('');
  expect((await ok(['tasks', 'ls', '-q'])).trim()).toBe('');
});
