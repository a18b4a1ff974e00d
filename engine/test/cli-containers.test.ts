// The engine CLI against real daemons: the container commands end to end.
import * as fs from 'node:fs';
import { startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

const out = (r: { stdout: string }) => r.stdout.trim();

test('run --rm prints the output and exits with the container status; nothing is left', async () => {
  const r = await s.engine(['run', '--rm', 'busybox', 'sh', '-c', 'echo hello; echo oops >&2; exit 3']);
  expect(r.stdout).toBe('hello\n');
  expect(r.stderr).toBe('oops\n');
  expect(r.code).toBe(3);
  expect(out(await s.engine(['ps', '-aq']))).toBe('');
});

test('a missing executable is exit 127 and a clear error', async () => {
  const r = await s.engine(['run', '--rm', 'busybox', 'no-such-binary']);
  expect(r.code).toBe(127);
  expect(r.stderr).toMatch(/no-such-binary.*not found/);
  expect(out(await s.engine(['ps', '-aq']))).toBe('');
});

test('run -d, ps, logs (tail, timestamps, follow), stop, start, restart, rm', async () => {
  const id = out(await s.engine(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done']));
  expect(id).toMatch(/^[a-f0-9]{64}$/);
  await waitFor(async () => (await s.engine(['logs', 'ticker'])).stdout.split('\n').length > 10, 15_000, 'ten log lines');
  const ps = await s.engine(['ps']);
  expect(ps.stdout).toMatch(/CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS/);
  expect(ps.stdout).toMatch(new RegExp(`${id.slice(0, 12)}\\s+busybox.*Up .*ticker`));
  const tail = await s.engine(['logs', '--tail', '3', 'ticker']);
  expect(tail.stdout.trim().split('\n')).toHaveLength(3);
  const ts = await s.engine(['logs', '-t', '--tail', '1', 'ticker']);
  expect(ts.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick \d+\n$/);
  // -f follows until the container stops.
  const follow = s.engine(['logs', '-f', '--tail', '0', 'ticker']);
  await new Promise((r) => setTimeout(r, 600));
  expect((await s.engine(['stop', '-t', '1', 'ticker'])).stdout).toBe('ticker\n');
  const followed = await follow;
  expect(followed.code).toBe(0);
  expect(followed.stdout).toMatch(/tick \d+\n/);
  expect(out(await s.engine(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'ticker']))).toBe('exited 137');
  expect(out(await s.engine(['ps', '-a', '--filter', 'status=exited', '--format', '{{.Names}}']))).toBe('ticker');
  expect((await s.engine(['start', 'ticker'])).code).toBe(0);
  expect(out(await s.engine(['inspect', '-f', '{{.State.Running}}', 'ticker']))).toBe('true');
  const pidBefore = out(await s.engine(['inspect', '-f', '{{.State.Pid}}', 'ticker']));
  expect((await s.engine(['restart', '-t', '0', 'ticker'])).code).toBe(0);
  expect(out(await s.engine(['inspect', '-f', '{{.State.Pid}}', 'ticker']))).not.toBe(pidBefore);
  const rm = await s.engine(['rm', 'ticker']);
  expect(rm.code).toBe(1);
  expect(rm.stderr).toMatch(/You cannot remove a running container/);
  expect((await s.engine(['rm', '-f', 'ticker'])).code).toBe(0);
  expect(fs.existsSync(`${s.dataRoot}/containers/${id}`)).toBe(false);
}, 60_000);

test('exec: exit code, env, user, workdir, stdin, detached', async () => {
  await s.engine(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300']);
  const r = await s.engine(['exec', '-e', 'X=1', '-w', '/tmp', '-u', '1000', 'box', 'sh', '-c', 'echo $X $(pwd) $(id -u); exit 4']);
  expect(r.stdout).toBe('1 /tmp 1000\n');
  expect(r.code).toBe(4);
  const piped = await s.engine(['exec', '-i', 'box', 'sh', '-c', 'cat; echo done'], { input: 'from stdin\n' });
  expect(piped.stdout).toBe('from stdin\ndone\n');
  expect((await s.engine(['exec', '-d', 'box', 'sh', '-c', 'echo detached > /tmp/d'])).code).toBe(0);
  await waitFor(async () => out(await s.engine(['exec', 'box', 'cat', '/tmp/d'])) === 'detached');
  const missing = await s.engine(['exec', 'nope', 'true']);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/No such container: nope/);
});

test('top, pause/unpause, kill, wait, rename, attach', async () => {
  const top = await s.engine(['top', 'box']);
  expect(top.stdout).toMatch(/PID/);
  expect(top.stdout).toMatch(/sleep 300/);
  expect((await s.engine(['pause', 'box'])).code).toBe(0);
  expect(out(await s.engine(['inspect', '-f', '{{.State.Status}}', 'box']))).toBe('paused');
  expect((await s.engine(['exec', 'box', 'true'])).stderr).toMatch(/paused/);
  expect((await s.engine(['unpause', 'box'])).code).toBe(0);
  expect((await s.engine(['rename', 'box', 'box2'])).code).toBe(0);
  // PID 1 ignores TERM without a handler (as in Docker); KILL always works.
  const waited = s.engine(['wait', 'box2']);
  expect((await s.engine(['kill', '-s', 'TERM', 'box2'])).code).toBe(0);
  expect(out(await s.engine(['inspect', '-f', '{{.State.Running}}', 'box2']))).toBe('true');
  expect((await s.engine(['kill', 'box2'])).code).toBe(0);
  expect(out(await waited)).toBe('137');
  const kill = await s.engine(['kill', 'box2']);
  expect(kill.stderr).toMatch(/is not running/);
  // attach: output of a running container, until it exits.
  // The container speaks once told to, after the attach event says the client is attached.
  const since = Math.floor(Date.now() / 1000) - 1;
  await s.engine(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.1; done; echo late; exit 2']);
  const attaching = s.engine(['attach', 'talker']);
  await waitFor(async () => (await s.engine(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=talker', '--filter', 'event=attach'])).stdout.includes('attach'));
  await s.engine(['exec', 'talker', 'touch', '/tmp/go']);
  const att = await attaching;
  expect(att.stdout).toBe('late\n');
  expect(att.code).toBe(2);
  // create + start -a: output from the first byte.
  await s.engine(['create', '--name', 'later', 'busybox', 'echo', 'first byte']);
  const started = await s.engine(['start', '-a', 'later']);
  expect(started.stdout).toBe('first byte\n');
  await s.engine(['rm', '-f', 'box2', 'talker', 'later']);
}, 60_000);

test('ps filters and formats, inspect, events, prune', async () => {
  await s.engine(['create', '--name', 'lab1', '-l', 'team=a', 'busybox']);
  await s.engine(['create', '--name', 'lab2', '-l', 'team=b', 'busybox']);
  expect(out(await s.engine(['ps', '-a', '--filter', 'label=team=a', '--format', '{{.Names}}']))).toBe('lab1');
  const json = JSON.parse(out(await s.engine(['ps', '-a', '--filter', 'name=lab2', '--format', 'json']))) as { Names: string; State: string };
  expect(json).toMatchObject({ Names: 'lab2', State: 'created' });
  const table = await s.engine(['ps', '-a', '--format', 'table {{.Names}}\t{{.State}}']);
  expect(table.stdout.split('\n')[0]).toMatch(/^NAMES\s+STATE$/);
  const insp = JSON.parse((await s.engine(['inspect', 'lab1'])).stdout) as Array<{ Name: string; Config: { Labels: Record<string, string>; Cmd: string[] } }>;
  expect(insp[0]).toMatchObject({ Name: '/lab1', Config: { Labels: { team: 'a' }, Cmd: ['sh'] } });
  const since = String(Math.floor(Date.now() / 1000) - 60);
  const ev = await s.engine(['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=create', '--format', '{{.Actor.Attributes.name}}']);
  expect(ev.stdout).toMatch(/lab1\n[\s\S]*lab2/);
  const pruned = await s.api('POST', '/v1.41/containers/prune');
  expect(JSON.parse(pruned.body).ContainersDeleted.length).toBeGreaterThanOrEqual(2);
  expect(out(await s.engine(['ps', '-aq']))).toBe('');
}, 60_000);

test('limits and options reach the container', async () => {
  const r = await s.engine([
    'run', '--rm', '-m', '64m', '--cpus', '0.5', '--pids-limit', '50', '--ulimit', 'nofile=512:1024', '--hostname', 'h1',
    '--cap-drop', 'CHOWN', '--read-only', '--tmpfs', '/scratch', '-w', '/scratch', '--init', 'busybox', 'sh', '-c',
    'ulimit -n; hostname; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; touch /ro 2>/dev/null || echo ro; touch ok && echo tmpfs; chown 1 ok 2>/dev/null || echo nochown; cat /proc/1/cmdline | tr "\\0" " "',
  ]);
  expect(r.stderr).toBe('');
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toBe('512');
  expect(lines[1]).toBe('h1');
  expect(lines[2]).toBe(String(64 * 1024 * 1024));
  expect(lines.slice(3, 6)).toEqual(['ro', 'tmpfs', 'nochown']);
  expect(lines[6]).toMatch(/^\/sbin\/docker-init -- sh/);
  const cg = fs.readdirSync('/sys/fs/cgroup/pids').includes(s.cgroupParent.slice(1));
  expect(cg).toBe(true);
}, 60_000);

test('--network host shares the host network; none has only a loopback', async () => {
  const none = await s.engine(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net | tr "\\n" " "']);
  expect(none.stdout.trim()).toBe('lo');
  const host = await s.engine(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'ls /sys/class/net | wc -l']);
  // The stack's daemons run in a namespace of the test's: that is the "host" here.
  const links = await s.inHost(['ip', '-o', 'link', 'show']);
  expect(Number(host.stdout.trim())).toBe(links.stdout.trim().split('\n').length);
});

test('--privileged and exec --privileged get every capability and no seccomp; --cpu-shares and --memory-swap reach the cgroup', async () => {
  const priv = await s.engine(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'grep CapEff /proc/self/status; mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted']);
  const hostCaps = /CapBnd:\s+([0-9a-f]+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]!;
  expect(priv.stdout).toMatch(new RegExp(`CapEff:\\s+${hostCaps}`));
  expect(priv.stdout).toMatch(/mounted/);
  const plain = await s.engine(['run', '--rm', 'busybox', 'sh', '-c', 'mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>/dev/null || echo refused']);
  expect(plain.stdout).toBe('refused\n');
  const id = (await s.engine(['run', '-d', '--cpu-shares', '512', '-m', '32m', '--memory-swap', '64m', 'busybox', 'sleep', '60'])).stdout.trim();
  const ex = await s.engine(['exec', '--privileged', id, 'grep', 'CapEff', '/proc/self/status']);
  expect(ex.stdout).toMatch(new RegExp(hostCaps));
  const cg = (ctrl: string, file: string) => fs.readFileSync(`/sys/fs/cgroup/${ctrl}${s.cgroupParent}/${id}/${file}`, 'utf8').trim();
  if (fs.existsSync('/sys/fs/cgroup/cpu/cpu.shares')) {
    expect(cg('cpu', 'cpu.shares')).toBe('512');
    expect(cg('memory', 'memory.limit_in_bytes')).toBe(String(32 * 1024 * 1024));
  }
  await s.engine(['rm', '-f', id]);
}, 30_000);

test('logs --since and --until', async () => {
  await s.engine(['run', '--name', 'timed', 'busybox', 'echo', 'stamped']);
  expect((await s.engine(['logs', '--since', '1h', 'timed'])).stdout).toBe('stamped\n');
  expect((await s.engine(['logs', '--since', String(Math.floor(Date.now() / 1000) + 60), 'timed'])).stdout).toBe('');
  expect((await s.engine(['logs', '--until', '2000-01-01T00:00:00Z', 'timed'])).stdout).toBe('');
  await s.engine(['rm', 'timed']);
});

test('a container over its memory limit is OOM-killed and says so', async () => {
  const r = await s.engine(['run', '--name', 'hungry', '-m', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=$(head -c 64000000 /dev/zero | tr "\\0" a); echo survived']);
  expect(r.code).toBe(137);
  expect(r.stdout).not.toMatch(/survived/);
  await waitFor(async () => (await s.engine(['inspect', '-f', '{{.State.OOMKilled}}', 'hungry'])).stdout === 'true\n', 5000, 'OOMKilled');
  await s.engine(['rm', 'hungry']);
}, 30_000);
