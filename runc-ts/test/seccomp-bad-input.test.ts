// A seccomp profile runc-ts cannot install fails `create` with one line naming the problem, before
// any process exists, and leaves nothing behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Seccomp, Spec } from '../src/spec/types.js';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('seccomp-bad');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const PROFILE = path.resolve(__dirname, '../../test/fixtures/docker-default-seccomp.json');

/** Docker's profile, changed; `create` must fail with exactly one line on stderr and leave no trace. */
async function failingCreate(change: (p: Seccomp) => void): Promise<string> {
  const profile = JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;
  change(profile);
  const b = await fx.bundle(['true'], (s: Spec) => (s.linux!.seccomp = profile));
  const r = fx.runc(['create', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
  expect(fx.leakedMounts()).toEqual([]);
  return lines[0]!;
}

test('an unknown syscall name is skipped with a warning, as runc skips it (newer profiles still run)', async () => {
  const profile = JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;
  profile.syscalls!.splice(3, 0, { names: ['getpid', 'foo'], action: 'SCMP_ACT_ALLOW' });
  const r = await fx.exec(['sh', '-c', 'echo ran'], (s: Spec) => (s.linux!.seccomp = profile));
  expect(r).toMatchObject({ code: 0, stdout: 'ran\n' });
  expect(r.stderr).toMatch(/linux.seccomp.syscalls\[3\]: unknown syscall .*foo.* ignored \(not known to this libseccomp\)/);
});

test('an unknown action, in a rule and as the default', async () => {
  expect(await failingCreate((p) => (p.syscalls![1]!.action = 'SCMP_ACT_PERHAPS'))).toBe('linux.seccomp.syscalls[1]: unknown action "SCMP_ACT_PERHAPS"');
  expect(await failingCreate((p) => (p.defaultAction = 'SCMP_ACT_DENY'))).toBe('linux.seccomp.defaultAction: unknown action "SCMP_ACT_DENY"');
});

test('an unknown architecture, and one this libseccomp cannot filter', async () => {
  expect(await failingCreate((p) => p.architectures!.push('SCMP_ARCH_VAX'))).toBe('linux.seccomp.architectures[3]: unknown architecture "SCMP_ARCH_VAX"');
  // An OCI name libseccomp 2.5.4 predates (loongarch64 arrived in 2.6).
  expect(await failingCreate((p) => (p.architectures = ['SCMP_ARCH_LOONGARCH64']))).toBe(
    'linux.seccomp.architectures[0]: architecture loongarch64 is not supported by this libseccomp',
  );
});

test('a bad comparison operator or argument index', async () => {
  expect(await failingCreate((p) => (p.syscalls![2]!.args![0]!.op = 'SCMP_CMP_ROUGHLY'))).toBe('linux.seccomp.syscalls[2].args[0]: unknown operator "SCMP_CMP_ROUGHLY"');
  expect(await failingCreate((p) => (p.syscalls![2]!.args![0]!.index = 6))).toBe('config.json: linux.seccomp.syscalls[2].args[0].index must be an integer from 0 to 5');
});

test('SCMP_ACT_NOTIFY where runc refuses it: without a listener path, on write, as the default action', async () => {
  expect(await failingCreate((p) => p.syscalls!.push({ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }))).toBe('listenerPath is not set');
  expect(await failingCreate((p) => {
    p.listenerPath = path.join(fx.tmp, 'agent.sock');
    p.syscalls!.push({ names: ['getpid', 'write'], action: 'SCMP_ACT_NOTIFY' });
  })).toBe('linux.seccomp.syscalls[13]: SCMP_ACT_NOTIFY cannot be used for the write syscall');
  expect(await failingCreate((p) => (p.defaultAction = 'SCMP_ACT_NOTIFY'))).toBe('linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action');
});

test('an unknown flag and an out-of-range errnoRet', async () => {
  expect(await failingCreate((p) => (p.flags = ['SECCOMP_FILTER_FLAG_TURBO']))).toBe('linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_TURBO"');
  expect(await failingCreate((p) => (p.syscalls![11]!.errnoRet = 70000))).toBe('linux.seccomp.syscalls[11]: errnoRet 70000 is out of range (0-65535)');
});

test('errors go to --log as JSON with --log-format json', async () => {
  const profile = JSON.parse(fs.readFileSync(PROFILE, 'utf8')) as Seccomp;
  profile.syscalls![0]!.action = 'SCMP_ACT_SOMETIMES';
  const b = await fx.bundle(['true'], (s: Spec) => (s.linux!.seccomp = profile));
  const log = path.join(fx.tmp, 'seccomp-log.json');
  const r = fx.runc(['--log', log, '--log-format', 'json', 'create', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(1);
  const last = JSON.parse(fs.readFileSync(log, 'utf8').trim().split('\n').at(-1)!) as { level: string; msg: string };
  expect(last).toMatchObject({ level: 'error', msg: 'linux.seccomp.syscalls[0]: unknown action "SCMP_ACT_SOMETIMES"' });
  expect(fs.existsSync(path.join(fx.root, b.id))).toBe(false);
});
