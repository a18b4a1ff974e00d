// dockerd decodes HostConfig into Go integer fields: a number with a fraction or an exponent, or one
// outside the field's range, fails the decoding (`json: cannot unmarshal number 1e30 into Go struct
// field HostConfig.HostConfig.Memory of type int64`, status 500) before anything is created. Node's
// JSON.parse keeps neither the literal nor the precision, so the literal is read back from the body.
import { ApiError } from '../http/api-error.js';

type GoInt = 'int64' | 'int' | 'uint16' | 'uint64' | 'int32';

/** HostConfig's integer fields and their Go types (API 1.41). */
const HOST_CONFIG_INTEGERS: Record<string, GoInt> = {
  Memory: 'int64',
  MemorySwap: 'int64',
  MemoryReservation: 'int64',
  KernelMemory: 'int64',
  KernelMemoryTCP: 'int64',
  NanoCpus: 'int64',
  CpuShares: 'int64',
  CpuPeriod: 'int64',
  CpuQuota: 'int64',
  CpuRealtimePeriod: 'int64',
  CpuRealtimeRuntime: 'int64',
  CpuCount: 'int64',
  CpuPercent: 'int64',
  PidsLimit: 'int64',
  ShmSize: 'int64',
  MemorySwappiness: 'int64',
  BlkioWeight: 'uint16',
  OomScoreAdj: 'int',
  IOMaximumIOps: 'uint64',
  IOMaximumBandwidth: 'uint64',
};

const RANGES: Record<GoInt, [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 63n), 2n ** 63n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint16: [0n, 2n ** 16n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** The literal of `"key": <number>` inside the body text, if it is there as written. */
function literalOf(source: string, key: string): string | undefined {
  const m = new RegExp(`"${key}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(source);
  return m?.[1];
}

/** Whether Go's decoder takes `literal` into an integer of `type`. */
export function fitsGoInteger(literal: string, type: GoInt): boolean {
  if (!/^-?(0|[1-9][0-9]*)$/.test(literal)) return false;
  const v = BigInt(literal);
  const [lo, hi] = RANGES[type];
  return v >= lo && v <= hi;
}

/** Throws dockerd's decoding error for the first HostConfig integer field Go would not take. */
export function checkHostConfigIntegers(hostConfig: Record<string, unknown>, source: string): void {
  for (const [key, type] of Object.entries(HOST_CONFIG_INTEGERS)) {
    const v = hostConfig[key];
    if (typeof v !== 'number') continue;
    const literal = literalOf(source, key) ?? String(v);
    if (!fitsGoInteger(literal, type)) throw new ApiError(500, `json: cannot unmarshal number ${literal} into Go struct field HostConfig.HostConfig.${key} of type ${type}`);
  }
}
