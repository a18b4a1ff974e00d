// Hand-written profiles in real containers: errno returns, argument conditions, actions, flags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Seccomp, Spec } from '../src/spec/types.js';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('seccomp-rules');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const sh = (script: string) => ['sh', '-c', script];
type Rule = NonNullable<Seccomp['syscalls']>[number];
/** A default-allow profile with these rules. */
const allowBut = (rules: Rule[], more: Partial<Seccomp> = {}) => (s: Spec) => {
  s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], syscalls: rules, ...more };
};
const SIGSYS = 31;
const PROFILE = path.resolve(__dirname, '../../test/fixtures/docker-default-seccomp.json');

test('SCMP_ACT_ERRNO with errnoRet 13: mkdir fails with "Permission denied"', async () => {
  const r = await fx.exec(sh('mkdir /tmp/x || echo failed; ls -d /tmp/x 2>/dev/null; echo done'), allowBut([{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }]));
  expect(r.stderr).toMatch(/mkdir: can't create directory '\/tmp\/x': Permission denied/);
  expect(r.stdout).toBe('failed\ndone\n');
});

test('SCMP_ACT_ERRNO without errnoRet is EPERM; defaultErrnoRet sets the default action\'s errno', async () => {
  const eperm = await fx.exec(sh('mkdir /tmp/x'), allowBut([{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }]));
  expect(eperm.stderr).toMatch(/Operation not permitted/);
  // Docker's profile (default deny) with ENOSPC (28) as the default errno and mkdir taken off its allowlist.
  const r = await fx.exec(sh('mkdir /tmp/x'), (s) => {
    const profile = JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;
    profile.defaultErrnoRet = 28;
    profile.syscalls![0]!.names = profile.syscalls![0]!.names!.filter((n) => n !== 'mkdir' && n !== 'mkdirat');
    s.linux!.seccomp = profile;
  });
  expect(r.stderr).toMatch(/No space left on device/);
});

test('an argument condition: kill is refused for signal 10 (SIGUSR1) only', async () => {
  const rule: Rule = { names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }] };
  // $$ is pid 1: the shell ignores signals it has no handler for, so a delivered SIGUSR1 is harmless.
  const r = await fx.exec(sh('kill -0 $$ && echo zero-ok; kill -USR1 $$ && echo usr1-ok || echo usr1-refused; kill -USR2 $$ && echo usr2-ok'), allowBut([rule]));
  expect(r.stdout).toBe('zero-ok\nusr1-refused\nusr2-ok\n');
});

test('conditions on the same argument are separate rules (any matches)', async () => {
  const rule: Rule = {
    names: ['kill'],
    action: 'SCMP_ACT_ERRNO',
    args: [
      { index: 1, value: 10, op: 'SCMP_CMP_EQ' },
      { index: 1, value: 12, op: 'SCMP_CMP_EQ' },
    ],
  };
  const r = await fx.exec(sh('for s in 0 USR1 USR2 HUP; do kill -$s $$ && echo $s-ok || echo $s-refused; done 2>/dev/null'), allowBut([rule]));
  expect(r.stdout).toBe('0-ok\nUSR1-refused\nUSR2-refused\nHUP-ok\n');
});

test('conditions on different arguments form one rule (all must match)', async () => {
  const rule: Rule = {
    names: ['kill'],
    action: 'SCMP_ACT_ERRNO',
    args: [
      { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
      { index: 1, value: 10, op: 'SCMP_CMP_EQ' },
    ],
  };
  const script = 'sleep 10 & kill -USR1 $! && echo child-ok; kill -USR1 1 && echo init-ok || echo init-refused; kill -0 1 && echo zero-ok';
  const r = await fx.exec(sh(script), allowBut([rule]));
  expect(r.stdout).toBe('child-ok\ninit-refused\nzero-ok\n');
});

test('SCMP_CMP_MASKED_EQ compares (arg & value) with valueTwo; GT and LE bound ranges', async () => {
  // Signals whose number has bit 3 set (8…15): (sig & 0x8) == 0x8.
  const masked: Rule = { names: ['kill'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0x8, valueTwo: 0x8, op: 'SCMP_CMP_MASKED_EQ' }] };
  const script = 'for s in 1 7 8 10 15 16; do kill -$s $$ 2>/dev/null && echo -n "$s+ " || echo -n "$s- "; done';
  const r = await fx.exec(sh(script), allowBut([masked]));
  expect(r.stdout).toBe('1+ 7+ 8- 10- 15- 16+ ');
  // 10 < sig <= 15, as two conditions on one argument… which runc splits into separate rules (any
  // matches): every signal > 10 or <= 15 is refused.
  const range: Rule = {
    names: ['kill'],
    action: 'SCMP_ACT_ERRNO',
    args: [
      { index: 1, value: 10, op: 'SCMP_CMP_GT' },
      { index: 1, value: 15, op: 'SCMP_CMP_LE' },
    ],
  };
  expect((await fx.exec(sh(script), allowBut([range]))).stdout).toBe('1- 7- 8- 10- 15- 16- ');
});

test('SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL and SCMP_ACT_TRAP end the process with SIGSYS', async () => {
  for (const action of ['SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL', 'SCMP_ACT_TRAP']) {
    const r = await fx.exec(['mkdir', '/tmp/x'], allowBut([{ names: ['mkdir', 'mkdirat'], action }]));
    expect([action, r.code]).toEqual([action, 128 + SIGSYS]);
  }
});

test('SCMP_ACT_LOG allows; flags TSYNC, LOG and SPEC_ALLOW are accepted', async () => {
  const r = await fx.exec(sh('mkdir /tmp/x && echo made'), allowBut([{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_LOG' }], {
    flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
  }));
  expect(r).toMatchObject({ code: 0, stdout: 'made\n' });
});

test('a syscall that does not exist on x86 is skipped, like runc; the rest of the profile applies', async () => {
  const r = await fx.exec(sh('mkdir /tmp/x || echo refused'), allowBut([
    { names: ['arm_fadvise64_64', 'mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' },
  ]));
  expect(r.stdout).toBe('refused\n');
});
