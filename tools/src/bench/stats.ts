// Order statistics for benchmark samples. Medians, not means: on a shared, noisy machine one
// slow outlier must not move the result.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** A/B of each pair of runs made back to back, so drift in machine load cancels within a pair. */
export function pairwiseRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error(`pairwise ratios need as many A runs as B runs (${a.length} vs ${b.length})`);
  return a.map((x, i) => x / (b[i] as number));
}

export interface SampleSummary {
  median: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): SampleSummary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}
