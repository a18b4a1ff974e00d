// `linux.seccomp` → what to ask libseccomp for, checked in full without touching the library, so
// that everything wrong with a profile that can be known from the names alone is found here.
import type { SeccompConfig } from '../spec/config.js';
import { actionValue } from './actions.js';
import { libseccompArchName } from './architectures.js';
import { argCompare, ruleConditions } from './conditions.js';
import { flagAttribute } from './filter-flags.js';
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
  /** Filter attributes (SCMP_FLTATR_*) to set to 1, from `flags`. */
  flagAttributes: number[];
  syscalls: PlannedSyscall[];
}

export function planFilter(config: SeccompConfig): FilterPlan {
  const defaultAction = actionValue(config.defaultAction, config.defaultErrnoRet, 'linux.seccomp.defaultAction');
  const architectures = config.architectures.map((oci, i) => {
    const where = `linux.seccomp.architectures[${i}]`;
    const name = libseccompArchName(oci);
    if (name === undefined) throw new SeccompError(`${where}: unknown architecture ${JSON.stringify(oci)}`);
    return { where, name };
  });
  const flagAttributes = config.flags.map((flag, i) => flagAttribute(flag, `linux.seccomp.flags[${i}]`));
  const syscalls: PlannedSyscall[] = [];
  config.syscalls.forEach((rule, i) => {
    const where = `linux.seccomp.syscalls[${i}]`;
    const action = actionValue(rule.action, rule.errnoRet, where);
    const compares = rule.args.map((a, j) => argCompare(a, `${where}.args[${j}]`));
    // libseccomp refuses a rule that repeats the default action; it would change nothing (runc skips it too).
    if (action === defaultAction) return;
    const rules = ruleConditions(compares);
    for (const name of rule.names) syscalls.push({ where, name, action, rules });
  });
  return { defaultAction, architectures, flagAttributes, syscalls };
}
