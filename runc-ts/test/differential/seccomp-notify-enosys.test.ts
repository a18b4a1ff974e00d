// seccomp, Debian runc against runc-ts on the same bundles (issue 12):
// - the ENOSYS stub: a syscall above the highest one the profile names fails with ENOSYS, one in a
//   hole below it gets the default action, and without architectures (no stub) everything does;
// - SCMP_ACT_NOTIFY: the listener fd and the container process state go to listenerPath (for the
//   init and for exec), the agent's answer reaches the container, and the refusals match.
// - hooks: createContainer runs outside the filter, startContainer under it (both noNewPrivileges).
// Two small static C programs do what busybox cannot: raw syscalls, and a seccomp agent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Seccomp, Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, type Side, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-seccomp');
const agents: ChildProcess[] = [];
let bin = '';

/** Runs each argument as a syscall number with zero arguments: prints "nr result errno". */
const SYSCALL_C = `
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long nr = strtol(argv[i], 0, 0);
    errno = 0;
    long r = syscall(nr, 0, 0, 0, 0, 0, 0);
    printf("%ld %d\\n", nr, r < 0 ? errno : 0);
  }
  return 0;
}`;

/**
 * agent SOCK OUT ERRNOS: a seccomp agent. For connection i (one per comma-separated entry of ERRNOS)
 * it receives the state and the fd, appends the JSON, the fd's kind and, when ERRNOS[i] > 0, the number
 * of the one notified syscall it answers with -ERRNOS[i].
 */
const AGENT_C = `
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  strncpy(sa.sun_path, argv[1], sizeof sa.sun_path - 1);
  if (bind(s, (struct sockaddr *)&sa, sizeof sa) || listen(s, 4)) { perror("agent"); return 1; }
  char ready[4096];
  snprintf(ready, sizeof ready, "%s.ready", argv[2]);
  fclose(fopen(ready, "w"));
  for (char *e = strtok(argv[3], ","); e; e = strtok(NULL, ",")) {
    int answer = atoi(e);
    int c = accept(s, 0, 0);
    char buf[65536], ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { buf, sizeof buf - 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    ssize_t n = recvmsg(c, &m, 0);
    if (n < 0) { perror("recvmsg"); return 1; }
    int fd = -1;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    if (cm && cm->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    char kind[256] = "", link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, kind, sizeof kind - 1);
    if (k > 0) kind[k] = 0;
    FILE *o = fopen(argv[2], "a");
    fprintf(o, "%.*s\\nfd: %s\\n", (int)n, buf, kind);
    fclose(o);
    if (answer > 0) {
      struct seccomp_notif req;
      struct seccomp_notif_resp resp;
      memset(&req, 0, sizeof req);
      memset(&resp, 0, sizeof resp);
      if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req)) { perror("NOTIF_RECV"); return 1; }
      resp.id = req.id;
      resp.error = -answer;
      if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp)) { perror("NOTIF_SEND"); return 1; }
      o = fopen(argv[2], "a");
      fprintf(o, "notified: %d\\n", req.data.nr);
      fclose(o);
    }
    close(fd);
    close(c);
  }
  return 0;
}`;

function compile(name: string, source: string): string {
  const src = path.join(fx.tmp, `${name}.c`);
  const out = path.join(fx.tmp, name);
  fs.writeFileSync(src, source);
  const r = spawnSync('gcc', ['-static', '-O2', '-o', out, src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc ${name}: ${r.error?.message ?? r.stderr}`);
  return out;
}

beforeAll(async () => {
  await fx.init();
  compile('agent', AGENT_C);
  bin = compile('syscall', SYSCALL_C);
}, 120_000);
afterAll(async () => {
  for (const a of agents) if (a.exitCode === null) a.kill('SIGKILL');
  await fx.cleanup();
});

const PROFILE = path.resolve(__dirname, '../../../test/fixtures/docker-default-seccomp.json');
const dockerDefault = () => JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;

/** The syscall program, bind-mounted read-only into the container at /syscall. */
const withProgram = (profile: Seccomp, more?: (s: Spec) => void) => (s: Spec) => {
  s.linux!.seccomp = profile;
  s.mounts!.push({ destination: '/syscall', type: 'bind', source: bin, options: ['rbind', 'ro'] });
  more?.(s);
};

/** 1000: above any syscall; 400: in x86_64's unassigned hole (335–423), below the profile's highest. */
const PROBES = ['39', '400', '1000'];

describeDifferential('seccomp ENOSYS stub, runc vs runc-ts', () => {
  test("Docker's profile (errno default, three archs): ENOSYS above the highest known syscall, EPERM in a hole below", async () => {
    const r = await fx.runBoth(['/syscall', ...PROBES], withProgram(dockerDefault()));
    expect(r.ref).toMatchObject({ code: 0 });
    expect(r.ref.stdout).toBe('39 0\n400 1\n1000 38\n');
    expect(r.ours).toEqual(r.ref);
  });

  test('a kill-process default with no architectures listed: no stub, so the unknown syscall kills', async () => {
    const profile = { ...dockerDefault(), defaultAction: 'SCMP_ACT_KILL_PROCESS', architectures: [] } as Seccomp;
    delete profile.defaultErrnoRet;
    const r = await fx.runBoth(['/syscall', '39', '1000'], withProgram(profile));
    expect(r.ref.code).not.toBe(0);
    expect({ code: r.ours.code, stdout: r.ours.stdout }).toEqual({ code: r.ref.code, stdout: r.ref.stdout });
  });

  test('a kill-process default with the architectures: ENOSYS instead of the kill', async () => {
    const profile = { ...dockerDefault(), defaultAction: 'SCMP_ACT_KILL_PROCESS' } as Seccomp;
    delete profile.defaultErrnoRet;
    const r = await fx.runBoth(['/syscall', '39', '1000'], withProgram(profile));
    expect(r.ref).toMatchObject({ code: 0, stdout: '39 0\n1000 38\n' });
    expect(r.ours).toEqual(r.ref);
  });

  test('an allow default: no stub, the kernel answers', async () => {
    const profile: Seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
    const r = await fx.runBoth(['/syscall', '110', '400', '1000'], withProgram(profile));
    expect(r.ref).toMatchObject({ code: 0, stdout: '110 13\n400 38\n1000 38\n' });
    expect(r.ours).toEqual(r.ref);
  });

  test('a syscall name libseccomp does not know: the rule is skipped, the container runs', async () => {
    const profile = dockerDefault();
    profile.syscalls!.push({ names: ['frobnicate_newer_than_libseccomp'], action: 'SCMP_ACT_ALLOW' });
    const r = await fx.runBoth(['/syscall', ...PROBES], withProgram(profile));
    expect(r.ref).toMatchObject({ code: 0, stdout: '39 0\n400 1\n1000 38\n' });
    expect({ code: r.ours.code, stdout: r.ours.stdout }).toEqual({ code: r.ref.code, stdout: r.ref.stdout });
  });

  test('exec gets the same filter', async () => {
    const b = await fx.bundles(['sleep', '300'], withProgram(dockerDefault()));
    const out: Record<Side, unknown> = { ref: undefined, ours: undefined };
    for (const side of SIDES) {
      expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
      const r = fx.on(side, ['exec', b[side].id, '/syscall', ...PROBES]);
      out[side] = { code: r.code, stdout: r.stdout };
      fx.on(side, ['delete', '--force', b[side].id]);
    }
    expect(out.ref).toEqual({ code: 0, stdout: '39 0\n400 1\n1000 38\n' });
    expect(out.ours).toEqual(out.ref);
  });
});

/** Starts an agent on a fresh socket; resolves once it listens. */
async function startAgent(answers: number[]): Promise<{ sock: string; out: string; done: Promise<number | null> }> {
  const dir = fs.mkdtempSync(path.join(fx.tmp, 'agent-'));
  const sock = path.join(dir, 'agent.sock');
  const out = path.join(dir, 'received');
  const child = spawn(path.join(fx.tmp, 'agent'), [sock, out, answers.join(',')], { stdio: ['ignore', 'ignore', 'inherit'] });
  agents.push(child);
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(`${out}.ready`)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the seccomp agent did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { sock, out, done };
}

interface Received {
  messages: Record<string, unknown>[];
  fds: string[];
  notified: string[];
}

function received(file: string): Received {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
  return {
    messages: lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    fds: lines.filter((l) => l.startsWith('fd: ')),
    notified: lines.filter((l) => l.startsWith('notified: ')),
  };
}

/** A message with what differs by nature (ids, pids, bundle paths) replaced by what it must equal. */
function normalized(msg: Record<string, unknown>, id: string, bundle: string, initPid: number): unknown {
  const state = { ...(msg.state as Record<string, unknown>) };
  expect(state.id).toBe(id);
  expect(state.bundle).toBe(bundle);
  expect(state.pid).toBe(initPid);
  expect(typeof msg.pid).toBe('number');
  return { ...msg, pid: msg.pid === initPid ? 'init' : 'other', state: { ...state, id: 'ID', bundle: 'BUNDLE', pid: 'INIT' } };
}

/**
 * An allow-by-default profile that notifies on `names` (a name that also has an allow rule, as mkdir
 * in Docker's profile, is never notified: libseccomp keeps the first rule).
 */
const notifyOn = (names: string[], sock: string | undefined, metadata?: string): Seccomp => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  syscalls: names.length ? [{ names, action: 'SCMP_ACT_NOTIFY' }] : [],
  ...(sock !== undefined ? { listenerPath: sock } : {}),
  ...(metadata !== undefined ? { listenerMetadata: metadata } : {}),
});

describeDifferential('seccomp notify (SCMP_ACT_NOTIFY, listenerPath), runc vs runc-ts', () => {
  test('run: the agent gets the state and the fd, and its answer is what the container sees', async () => {
    const seen: Record<Side, unknown> = { ref: undefined, ours: undefined };
    for (const side of SIDES) {
      const agent = await startAgent([18]); // EXDEV
      const b = await fx.bundle(['sh', '-c', 'mkdir /made; echo status $?'], (s) => {
        s.linux!.seccomp = notifyOn(['mkdir', 'mkdirat'], agent.sock, 'meta=1');
      });
      const r = fx.on(side, ['run', '--bundle', b.dir, b.id]);
      expect(await agent.done).toBe(0);
      const got = received(agent.out);
      expect(got.messages).toHaveLength(1);
      const msg = got.messages[0]!;
      const initPid = msg.pid as number;
      seen[side] = { code: r.code, stdout: r.stdout, stderr: r.stderr, fds: got.fds, notified: got.notified, msg: normalized(msg, b.id, b.dir, initPid) };
    }
    expect(seen.ref).toMatchObject({ code: 0, fds: ['fd: anon_inode:seccomp notify'], notified: ['notified: 83'] });
    expect((seen.ref as { stdout: string }).stdout).toBe('status 1\n');
    expect(seen.ours).toEqual(seen.ref);
  });

  test('exec: a second listener fd for the exec, with the container running', async () => {
    const seen: Record<Side, unknown> = { ref: undefined, ours: undefined };
    for (const side of SIDES) {
      const agent = await startAgent([0, 18]);
      const b = await fx.bundle(['sleep', '300'], (s) => (s.linux!.seccomp = notifyOn(['mkdir', 'mkdirat'], agent.sock)));
      expect(fx.on(side, ['run', '-d', '--bundle', b.dir, b.id]).code).toBe(0);
      const initPid = Number(JSON.parse(fx.on(side, ['state', b.id]).stdout).pid);
      const r = fx.on(side, ['exec', b.id, 'sh', '-c', 'mkdir /made; echo status $?']);
      fx.on(side, ['delete', '--force', b.id]);
      expect(await agent.done).toBe(0);
      const got = received(agent.out);
      seen[side] = { code: r.code, stdout: r.stdout, notified: got.notified, fds: got.fds, msgs: got.messages.map((m) => normalized(m, b.id, b.dir, initPid)) };
    }
    expect(seen.ref).toMatchObject({ code: 0, stdout: 'status 1\n', notified: ['notified: 83'] });
    expect(seen.ours).toEqual(seen.ref);
  });

  test('a listener path without notify rules is not used; create works', async () => {
    const r = await fx.runBoth(['true'], (s) => {
      s.linux!.seccomp = { ...dockerDefault(), listenerPath: path.join(fx.tmp, 'nobody.sock') };
    });
    expect(r.ref.code).toBe(0);
    expect(r.ours.code).toBe(0);
  });

  const REFUSALS: [string, (s: Spec) => void, RegExp][] = [
    ['no listenerPath', (s) => (s.linux!.seccomp = notifyOn(['mkdir'], undefined)), /listenerPath is not set/],
    ['an agent that is not there', (s) => (s.linux!.seccomp = notifyOn(['mkdir'], path.join(fx.tmp, 'absent.sock'))), /failed to connect with seccomp agent specified in the seccomp profile/],
    ['notify on write', (s) => (s.linux!.seccomp = notifyOn(['write'], path.join(fx.tmp, 'absent.sock'))), /SCMP_ACT_NOTIFY cannot be used for the write syscall/],
    [
      'notify as the default action',
      (s) => (s.linux!.seccomp = { ...notifyOn([], path.join(fx.tmp, 'absent.sock')), defaultAction: 'SCMP_ACT_NOTIFY', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] }),
      /SCMP_ACT_NOTIFY cannot be used as default action/,
    ],
  ];

  test.each(REFUSALS)('refused as runc refuses it: %s', async (_name, edit, message) => {
    const r = await fx.runBoth(['true'], edit);
    expect(r.ref.code).not.toBe(0);
    expect(r.ref.stderr).toMatch(message);
    expect(r.ours.code).toBe(r.ref.code);
    expect(r.ours.stderr).toMatch(message);
  });
});

describeDifferential('hooks and the seccomp filter, runc vs runc-ts', () => {
  const denyMkdir: Seccomp = {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  };
  // createContainer runs before the filter (before pivot_root, host paths); startContainer after it.
  test.each([true, false])('noNewPrivileges %s: createContainer outside the filter, startContainer under it', async (nnp) => {
    const out: Record<Side, unknown> = { ref: undefined, ours: undefined };
    for (const side of SIDES) {
      const made = path.join(fx.tmp, `hook-${side}-${nnp}`);
      const create = await fx.bundle(['true'], (s) => {
        s.linux!.seccomp = denyMkdir;
        s.process!.noNewPrivileges = nnp;
        s.hooks = { createContainer: [{ path: '/bin/mkdir', args: ['mkdir', made] }] };
      });
      const start = await fx.bundle(['true'], (s) => {
        s.linux!.seccomp = denyMkdir;
        s.process!.noNewPrivileges = nnp;
        s.hooks = { startContainer: [{ path: '/bin/mkdir', args: ['mkdir', '/tmp/made-by-hook'] }] };
      });
      const c = fx.on(side, ['run', '--bundle', create.dir, create.id]);
      const st = fx.on(side, ['run', '--bundle', start.dir, start.id]);
      out[side] = { createHook: c.code, made: fs.existsSync(made), startHook: st.code === 0 ? 0 : 'failed' };
    }
    expect(out.ref).toEqual({ createHook: 0, made: true, startHook: 'failed' });
    expect(out.ours).toEqual(out.ref);
  });
});
