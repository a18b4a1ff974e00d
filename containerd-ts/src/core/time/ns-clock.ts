// Wall-clock time in nanoseconds, as containerd keeps its timestamps (Go's time.Now has ns
// resolution; Date has ms). The wall clock is read once and advanced by the monotonic clock.
const base = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function nowNs(): bigint {
  return base + process.hrtime.bigint();
}

export function msOfNs(ns: bigint): number {
  return Number(ns / 1_000_000n);
}

/** A stored ns value (decimal string), or the ms value older records carry. */
export function nsOf(stored: string | undefined, fallbackMs: number): bigint {
  return stored !== undefined ? BigInt(stored) : BigInt(Math.trunc(fallbackMs)) * 1_000_000n;
}
