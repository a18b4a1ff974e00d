// Argument conditions: OCI `args` → struct scmp_arg_cmp values, and how they are split into rules.
import type { SeccompRule } from '../spec/config.js';
import type { ArgCompare } from './libseccomp.js';
import { SCMP_CMP, SYSCALL_MAX_ARGS } from './libseccomp-constants.js';
import { SeccompError } from './seccomp-error.js';

/** The comparison operators of the OCI spec, with libseccomp's values. */
export const OPERATORS: Readonly<Record<string, number>> = {
  SCMP_CMP_NE: SCMP_CMP.NE,
  SCMP_CMP_LT: SCMP_CMP.LT,
  SCMP_CMP_LE: SCMP_CMP.LE,
  SCMP_CMP_EQ: SCMP_CMP.EQ,
  SCMP_CMP_GE: SCMP_CMP.GE,
  SCMP_CMP_GT: SCMP_CMP.GT,
  SCMP_CMP_MASKED_EQ: SCMP_CMP.MASKED_EQ,
};

function datum(v: number, where: string): bigint {
  // JSON numbers are doubles: past 2^53 the value in config.json is not the value we would load.
  if (!Number.isSafeInteger(v) || v < 0) throw new SeccompError(`${where} must be an integer from 0 to 2^53-1`);
  return BigInt(v);
}

/**
 * One comparison. For SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` what the masked
 * argument must equal ((arg & value) == valueTwo), in libseccomp's datum_a/datum_b order.
 */
export function argCompare(a: SeccompRule['args'][number], where: string): ArgCompare {
  const op = Object.hasOwn(OPERATORS, a.op) ? OPERATORS[a.op] : undefined;
  if (op === undefined) throw new SeccompError(`${where}: unknown operator ${JSON.stringify(a.op)}`);
  if (!Number.isInteger(a.index) || a.index < 0 || a.index >= SYSCALL_MAX_ARGS) {
    throw new SeccompError(`${where}: argument index ${a.index} is out of range (0-${SYSCALL_MAX_ARGS - 1})`);
  }
  return { arg: a.index, op, datum_a: datum(a.value, `${where}.value`), datum_b: datum(a.valueTwo, `${where}.valueTwo`) };
}

/**
 * runc's rule for turning a syscall's conditions into libseccomp rules: libseccomp ANDs the
 * conditions of one rule and refuses two on the same argument, so when any argument index repeats,
 * every condition becomes a rule of its own (matching any of them); otherwise all conditions form
 * one rule (matching all of them). No conditions: one unconditional rule.
 */
export function ruleConditions(conditions: ArgCompare[]): ArgCompare[][] {
  const indexes = new Set(conditions.map((c) => c.arg));
  return indexes.size < conditions.length ? conditions.map((c) => [c]) : [conditions];
}
