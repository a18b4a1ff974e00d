import { pairwiseRatios, median, summarize, type SampleSummary } from './stats.js';
import { afterRun, runVariant, type Variant } from './variant.js';

/** Milliseconds from an arbitrary origin; injectable so the statistics can be tested exactly. */
export type Clock = () => number;

export const hrClock: Clock = () => Number(process.hrtime.bigint()) / 1e6;

export interface CompareSpec {
  name: string;
  a: Variant;
  b: Variant;
  warmup: number;
  runs: number;
  /** Once before the warm-up; teardown runs once at the end even if a run fails. */
  setup?: () => unknown;
  teardown?: () => unknown;
}

export interface MeasureSpec {
  name: string;
  variant: Variant;
  warmup: number;
  runs: number;
  setup?: () => unknown;
  teardown?: () => unknown;
}

export interface VariantResult extends SampleSummary {
  label: string;
  /** Milliseconds of each timed run, in run order. */
  samples: number[];
}

export interface CompareResult {
  kind: 'compare';
  name: string;
  a: VariantResult;
  b: VariantResult;
  /** Median of A_i / B_i over the pairs. */
  ratio: number;
  runs: number;
}

export interface MeasureResult {
  kind: 'measure';
  name: string;
  variant: VariantResult;
  runs: number;
}

export type BenchResult = CompareResult | MeasureResult;

export interface TimingOptions {
  clock?: Clock;
}

/** Times A and B alternately (A B A B …) after an alternating warm-up. */
export async function compare(spec: CompareSpec, opts: TimingOptions = {}): Promise<CompareResult> {
  checkCounts(spec.name, spec.warmup, spec.runs);
  const clock = opts.clock ?? hrClock;
  return withSetup(spec, async () => {
    for (let i = 0; i < spec.warmup; i++) {
      await runVariant(spec.a, i);
      await afterRun(spec.a, i);
      await runVariant(spec.b, i);
      await afterRun(spec.b, i);
    }
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      a.push(await timed(clock, spec.a, spec.warmup + i));
      await afterRun(spec.a, spec.warmup + i);
      b.push(await timed(clock, spec.b, spec.warmup + i));
      await afterRun(spec.b, spec.warmup + i);
    }
    return {
      kind: 'compare',
      name: spec.name,
      a: { label: spec.a.label, samples: a, ...summarize(a) },
      b: { label: spec.b.label, samples: b, ...summarize(b) },
      ratio: median(pairwiseRatios(a, b)),
      runs: spec.runs,
    };
  });
}

/** Times one variant after a warm-up. */
export async function measure(spec: MeasureSpec, opts: TimingOptions = {}): Promise<MeasureResult> {
  checkCounts(spec.name, spec.warmup, spec.runs);
  const clock = opts.clock ?? hrClock;
  return withSetup(spec, async () => {
    for (let i = 0; i < spec.warmup; i++) {
      await runVariant(spec.variant, i);
      await afterRun(spec.variant, i);
    }
    const samples: number[] = [];
    for (let i = 0; i < spec.runs; i++) {
      samples.push(await timed(clock, spec.variant, spec.warmup + i));
      await afterRun(spec.variant, spec.warmup + i);
    }
    return { kind: 'measure', name: spec.name, variant: { label: spec.variant.label, samples, ...summarize(samples) }, runs: spec.runs };
  });
}

async function timed(clock: Clock, variant: Variant, iteration: number): Promise<number> {
  const start = clock();
  await runVariant(variant, iteration);
  return clock() - start;
}

async function withSetup<T>(spec: { setup?: () => unknown; teardown?: () => unknown }, body: () => Promise<T>): Promise<T> {
  await spec.setup?.();
  try {
    return await body();
  } finally {
    await spec.teardown?.();
  }
}

function checkCounts(name: string, warmup: number, runs: number): void {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`benchmark ${name}: runs must be a positive integer`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error(`benchmark ${name}: warmup must be a non-negative integer`);
}
