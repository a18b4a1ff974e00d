// The pure half of seccomp: OCI names → libseccomp values, and how conditions become rules. No root, no libseccomp.
import { actionValue } from '../src/seccomp/actions.js';
import { libseccompArchName } from '../src/seccomp/architectures.js';
import { argCompare, ruleConditions } from '../src/seccomp/conditions.js';
import { flagBit } from '../src/seccomp/filter-flags.js';
import { planFilter } from '../src/seccomp/filter-plan.js';
import type { SeccompConfig, SeccompRule } from '../src/spec/config.js';

const arg = (index: number, op: string, value: number, valueTwo = 0): SeccompRule['args'][number] => ({ index, op, value, valueTwo });

test('actions map to the values of seccomp.h, errno/trace data in the low 16 bits', () => {
  const at = 'linux.seccomp.syscalls[0]';
  expect(actionValue('SCMP_ACT_ALLOW', undefined, at)).toBe(0x7fff0000);
  expect(actionValue('SCMP_ACT_KILL', undefined, at)).toBe(0);
  expect(actionValue('SCMP_ACT_KILL_THREAD', undefined, at)).toBe(0);
  expect(actionValue('SCMP_ACT_KILL_PROCESS', undefined, at)).toBe(0x80000000);
  expect(actionValue('SCMP_ACT_TRAP', undefined, at)).toBe(0x00030000);
  expect(actionValue('SCMP_ACT_LOG', undefined, at)).toBe(0x7ffc0000);
  expect(actionValue('SCMP_ACT_ERRNO', undefined, at)).toBe(0x00050001); // EPERM unless told
  expect(actionValue('SCMP_ACT_ERRNO', 13, at)).toBe(0x0005000d);
  expect(actionValue('SCMP_ACT_ERRNO', 0, at)).toBe(0x00050000);
  expect(actionValue('SCMP_ACT_TRACE', undefined, at)).toBe(0x7ff00001);
  expect(actionValue('SCMP_ACT_TRACE', 0xffff, at)).toBe(0x7ff0ffff);
  expect(() => actionValue('SCMP_ACT_ERRNO', 65536, at)).toThrow('linux.seccomp.syscalls[0]: errnoRet 65536 is out of range (0-65535)');
  expect(actionValue('SCMP_ACT_NOTIFY', undefined, at)).toBe(0x7fc00000);
  expect(() => actionValue('SCMP_ACT_FLY', undefined, at)).toThrow('linux.seccomp.syscalls[0]: unknown action "SCMP_ACT_FLY"');
});

test('operators and struct scmp_arg_cmp fields; MASKED_EQ takes the mask first', () => {
  const at = 'linux.seccomp.syscalls[1].args[0]';
  expect(argCompare(arg(0, 'SCMP_CMP_NE', 40), at)).toEqual({ arg: 0, op: 1, datum_a: 40n, datum_b: 0n });
  expect(argCompare(arg(1, 'SCMP_CMP_LT', 1), at).op).toBe(2);
  expect(argCompare(arg(1, 'SCMP_CMP_LE', 1), at).op).toBe(3);
  expect(argCompare(arg(1, 'SCMP_CMP_EQ', 1), at).op).toBe(4);
  expect(argCompare(arg(1, 'SCMP_CMP_GE', 1), at).op).toBe(5);
  expect(argCompare(arg(1, 'SCMP_CMP_GT', 1), at).op).toBe(6);
  expect(argCompare(arg(0, 'SCMP_CMP_MASKED_EQ', 0x7e020000, 0), at)).toEqual({ arg: 0, op: 7, datum_a: 0x7e020000n, datum_b: 0n });
  expect(argCompare(arg(5, 'SCMP_CMP_EQ', 0xffffffff), at).datum_a).toBe(0xffffffffn);
  expect(() => argCompare(arg(0, 'SCMP_CMP_ABOUT', 1), at)).toThrow('linux.seccomp.syscalls[1].args[0]: unknown operator "SCMP_CMP_ABOUT"');
  expect(() => argCompare(arg(6, 'SCMP_CMP_EQ', 1), at)).toThrow('linux.seccomp.syscalls[1].args[0]: argument index 6 is out of range (0-5)');
  expect(() => argCompare(arg(0, 'SCMP_CMP_EQ', -1), at)).toThrow('linux.seccomp.syscalls[1].args[0].value must be an integer from 0 to 2^53-1');
  expect(() => argCompare(arg(0, 'SCMP_CMP_EQ', 2 ** 64), at)).toThrow(/\.value must be an integer/);
});

test("runc's rule: a repeated argument index splits every condition into its own rule", () => {
  const a0 = { arg: 0, op: 4, datum_a: 1n, datum_b: 0n };
  const a0b = { arg: 0, op: 4, datum_a: 2n, datum_b: 0n };
  const a1 = { arg: 1, op: 4, datum_a: 10n, datum_b: 0n };
  expect(ruleConditions([])).toEqual([[]]);
  expect(ruleConditions([a0])).toEqual([[a0]]);
  expect(ruleConditions([a0, a1])).toEqual([[a0, a1]]); // different indexes: one rule, ANDed
  expect(ruleConditions([a0, a0b])).toEqual([[a0], [a0b]]); // same index: one rule each, ORed
  expect(ruleConditions([a0, a1, a0b])).toEqual([[a0], [a1], [a0b]]); // as runc: any repeat splits all
});

test('architectures and flags', () => {
  expect(libseccompArchName('SCMP_ARCH_X86_64')).toBe('x86_64');
  expect(libseccompArchName('SCMP_ARCH_X86')).toBe('x86');
  expect(libseccompArchName('SCMP_ARCH_X32')).toBe('x32');
  expect(libseccompArchName('SCMP_ARCH_AARCH64')).toBe('aarch64');
  expect(libseccompArchName('SCMP_ARCH_PDP11')).toBeUndefined();
  expect(libseccompArchName('toString')).toBeUndefined();
  expect(flagBit('SECCOMP_FILTER_FLAG_TSYNC', 'f')).toBe(1);
  expect(flagBit('SECCOMP_FILTER_FLAG_LOG', 'f')).toBe(2);
  expect(flagBit('SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'f')).toBe(4);
  expect(flagBit('SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 'f')).toBe(32);
  expect(() => flagBit('SECCOMP_FILTER_FLAG_FAST', 'linux.seccomp.flags[1]')).toThrow('linux.seccomp.flags[1]: unknown flag "SECCOMP_FILTER_FLAG_FAST"');
});

test('a whole profile: one planned syscall per name, default-action rules dropped, errors name the field', () => {
  const config: SeccompConfig = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [] },
      { names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [arg(1, 'SCMP_CMP_EQ', 0), arg(1, 'SCMP_CMP_EQ', 15)] },
      { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [] }, // same as the default
    ],
  };
  const plan = planFilter(config);
  expect(plan.defaultAction).toBe(0x00050001);
  expect(plan.architectures).toEqual([
    { where: 'linux.seccomp.architectures[0]', name: 'x86_64' },
    { where: 'linux.seccomp.architectures[1]', name: 'x86' },
  ]);
  expect(plan.flags).toBe(2);
  expect(plan.notify).toBe(false);
  expect(plan.enosysStub).toBe(true);
  expect(plan.names).toEqual(['read', 'write', 'kill', 'mkdir']);
  expect(plan.syscalls.map((s) => [s.where, s.name, s.rules.length])).toEqual([
    ['linux.seccomp.syscalls[0]', 'read', 1],
    ['linux.seccomp.syscalls[0]', 'write', 1],
    ['linux.seccomp.syscalls[1]', 'kill', 2],
  ]);

  const broken = (change: (c: SeccompConfig) => void) => {
    const c = structuredClone(config);
    change(c);
    return () => planFilter(c);
  };
  expect(broken((c) => (c.defaultAction = 'SCMP_ACT_MAYBE'))).toThrow('linux.seccomp.defaultAction: unknown action "SCMP_ACT_MAYBE"');
  expect(broken((c) => c.architectures.push('SCMP_ARCH_Z80'))).toThrow('linux.seccomp.architectures[2]: unknown architecture "SCMP_ARCH_Z80"');
  const notifying = structuredClone(config);
  notifying.syscalls[2]!.action = 'SCMP_ACT_NOTIFY';
  expect(planFilter(notifying)).toMatchObject({ notify: true, flags: 2 | 8 });
  expect(broken((c) => (c.syscalls[0]!.action = 'SCMP_ACT_NOTIFY'))).toThrow('linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot be used for the write syscall');
  expect(broken((c) => (c.defaultAction = 'SCMP_ACT_NOTIFY'))).toThrow('linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action');
  for (const permissive of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) {
    expect(planFilter({ ...config, defaultAction: permissive, syscalls: [] }).enosysStub).toBe(false);
  }
  expect(planFilter({ ...config, defaultAction: 'SCMP_ACT_KILL_PROCESS' }).enosysStub).toBe(true);
  expect(broken((c) => (c.syscalls[1]!.args[1]!.op = 'SCMP_CMP_XOR'))).toThrow('linux.seccomp.syscalls[1].args[1]: unknown operator "SCMP_CMP_XOR"');
});
