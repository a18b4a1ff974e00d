// `linux.seccomp` → what to ask libseccomp for, checked in full without touching the library, so
// that everything wrong with a profile that can be known from the names alone is found here.
import type { SeccompConfig } from '../spec/config.js';
import { actionValue } from './actions.js';
import { libseccompArchName } from './architectures.js';
import { argCompare, ruleConditions } from './conditions.js';
import { FLAG_NEW_LISTENER, flagBit } from './filter-flags.js';
import type { ArgCompare } from './libseccomp.js';
import { SeccompError } from './seccomp-error.js';

export interface PlannedSyscall {
  /** The rule it came from, for messages: `linux.seccomp.syscalls[3]`. */
  where: string;
  name: string;
  action: number;
  /** One entry per libseccomp rule to add; each entry's comparisons are ANDed. */
  rules: ArgCompare[][];
}

export interface FilterPlan {
  defaultAction: number;
  /** Extra architectures by libseccomp name (the native one is always in the filter). */
  architectures: { where: string; name: string }[];
  /** seccomp(2) SECCOMP_FILTER_FLAG_* bits to load the filter with (NEW_LISTENER when a rule notifies). */
  flags: number;
  /** A rule uses SCMP_ACT_NOTIFY: loading the filter gives a listener fd for linux.seccomp.listenerPath. */
  notify: boolean;
  /**
   * runc prepends its ENOSYS stub unless the default action lets calls through (allow, log, trace:
   * a tracer handles unknown syscalls itself).
   */
  enosysStub: boolean;
  /** Every syscall name of every rule, even rules left out of the filter: the stub's "known" set. */
  names: string[];
  syscalls: PlannedSyscall[];
}

const PERMISSIVE_DEFAULTS = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']);

export function planFilter(config: SeccompConfig): FilterPlan {
  // runc's rules for notify: never the default action, never on write (the init writes the listener
  // fd's number to runc over a pipe after the filter is loaded, so it would wait on itself).
  if (config.defaultAction === 'SCMP_ACT_NOTIFY') throw new SeccompError('linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used as default action');
  const defaultAction = actionValue(config.defaultAction, config.defaultErrnoRet, 'linux.seccomp.defaultAction');
  const architectures = config.architectures.map((oci, i) => {
    const where = `linux.seccomp.architectures[${i}]`;
    const name = libseccompArchName(oci);
    if (name === undefined) throw new SeccompError(`${where}: unknown architecture ${JSON.stringify(oci)}`);
    return { where, name };
  });
  let flags = config.flags.reduce((bits, flag, i) => bits | flagBit(flag, `linux.seccomp.flags[${i}]`), 0);
  const syscalls: PlannedSyscall[] = [];
  const names: string[] = [];
  let notify = false;
  config.syscalls.forEach((rule, i) => {
    const where = `linux.seccomp.syscalls[${i}]`;
    const action = actionValue(rule.action, rule.errnoRet, where);
    const compares = rule.args.map((a, j) => argCompare(a, `${where}.args[${j}]`));
    names.push(...rule.names);
    if (rule.action === 'SCMP_ACT_NOTIFY') {
      if (rule.names.includes('write')) throw new SeccompError(`${where}: SCMP_ACT_NOTIFY cannot be used for the write syscall`);
      notify = true;
    }
    // libseccomp refuses a rule that repeats the default action; it would change nothing (runc skips it too).
    if (action === defaultAction) return;
    const rules = ruleConditions(compares);
    for (const name of rule.names) syscalls.push({ where, name, action, rules });
  });
  if (notify) flags |= FLAG_NEW_LISTENER;
  return { defaultAction, architectures, flags, notify, enosysStub: !PERMISSIVE_DEFAULTS.has(config.defaultAction), names, syscalls };
}
