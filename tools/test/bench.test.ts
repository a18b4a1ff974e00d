import * as fs from 'node:fs';
import * as path from 'node:path';
import { compare, measure, median, mergeResults, pairwiseRatios, renderSection, summarize, writeResults, type Clock, type CompareResult, type SuiteSection } from '../src/index.js';
import { discoverSuites, selectSuites } from '../src/bench/suite.js';
import { runCommand } from './run-command.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

const BENCH_MAIN = path.join(__dirname, '..', 'src', 'bench', 'main.js');

/** A clock that only moves when a fake variant says how long it "took". */
function fakeClock(): { clock: Clock; spend(ms: number): void } {
  let now = 1000;
  return { clock: () => now, spend: (ms) => (now += ms) };
}

describe('benchmark statistics', () => {
  test('median of odd and even counts, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  test('pairwise ratios and summaries', () => {
    expect(pairwiseRatios([2, 9, 4], [1, 3, 8])).toEqual([2, 3, 0.5]);
    expect(() => pairwiseRatios([1], [1, 2])).toThrow(/as many A runs as B runs/);
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
  });

  test('compare alternates A and B after an alternating warm-up and reports per-variant stats', async () => {
    const { clock, spend } = fakeClock();
    const order: string[] = [];
    const aTimes = [100, 100, 10, 30, 20]; // 2 warm-up runs, then 3 timed
    const bTimes = [100, 100, 5, 60, 10];
    const result = await compare(
      {
        name: 'fake',
        a: { label: 'A', run: (i) => { order.push(`A${i}`); spend(aTimes[i] ?? 0); } },
        b: { label: 'B', run: (i) => { order.push(`B${i}`); spend(bTimes[i] ?? 0); } },
        warmup: 2,
        runs: 3,
        setup: () => order.push('setup'),
        teardown: () => order.push('teardown'),
      },
      { clock },
    );
    expect(order).toEqual(['setup', 'A0', 'B0', 'A1', 'B1', 'A2', 'B2', 'A3', 'B3', 'A4', 'B4', 'teardown']);
    expect(result.a).toEqual({ label: 'A', samples: [10, 30, 20], median: 20, min: 10, max: 30 });
    expect(result.b).toEqual({ label: 'B', samples: [5, 60, 10], median: 10, min: 5, max: 60 });
    // Pairs: 10/5 = 2, 30/60 = 0.5, 20/10 = 2 → median 2 (the ratio of medians would also be 2,
    // so check a case where they differ below).
    expect(result.ratio).toBe(2);
    expect(result.runs).toBe(3);
  });

  test('a variant\'s after hook runs after each of its runs and is not timed', async () => {
    const { clock, spend } = fakeClock();
    const order: string[] = [];
    const r = await compare(
      {
        name: 'after',
        a: { label: 'A', run: (i) => (order.push(`A${i}`), spend(10)), after: (i) => (order.push(`a${i}`), spend(1000)) },
        b: { label: 'B', run: (i) => (order.push(`B${i}`), spend(20)) },
        warmup: 1,
        runs: 2,
      },
      { clock },
    );
    expect(order).toEqual(['A0', 'a0', 'B0', 'A1', 'a1', 'B1', 'A2', 'a2', 'B2']);
    expect(r.a.samples).toEqual([10, 10]);
    expect(r.b.samples).toEqual([20, 20]);
  });

  test('the ratio is the median of the pairs, not the ratio of the medians', async () => {
    const { clock, spend } = fakeClock();
    const a = [10, 20, 30];
    const b = [20, 10, 15]; // pairs 0.5, 2, 2 → 2; medians 20 / 15 ≈ 1.33
    const r = await compare(
      { name: 'pairs', a: { label: 'a', run: (i) => spend(a[i] ?? 0) }, b: { label: 'b', run: (i) => spend(b[i] ?? 0) }, warmup: 0, runs: 3 },
      { clock },
    );
    expect(r.ratio).toBe(2);
    expect(r.a.median / r.b.median).toBeCloseTo(4 / 3);
  });

  test('teardown runs when a variant fails, and bad counts are rejected', async () => {
    let tornDown = false;
    await expect(
      compare({ name: 'boom', a: { label: 'a', run: () => { throw new Error('boom'); } }, b: { label: 'b', run: () => undefined }, warmup: 1, runs: 1, teardown: () => { tornDown = true; } }),
    ).rejects.toThrow('boom');
    expect(tornDown).toBe(true);
    await expect(measure({ name: 'x', variant: { label: 'v', run: () => undefined }, warmup: 0, runs: 0 })).rejects.toThrow(/runs must be a positive integer/);
  });

  test('measure times one variant after its warm-up', async () => {
    const { clock, spend } = fakeClock();
    const times = [99, 4, 2, 8];
    const r = await measure({ name: 'one', variant: { label: 'v', run: (i) => spend(times[i] ?? 0) }, warmup: 1, runs: 3 }, { clock });
    expect(r).toEqual({ kind: 'measure', name: 'one', runs: 3, variant: { label: 'v', samples: [4, 2, 8], median: 4, min: 2, max: 8 } });
  });

  test('command variants are spawned and must exit 0', async () => {
    const r = await compare({ name: 'cmd', a: { label: 'busybox true', cmd: ['/bin/busybox', 'true'] }, b: { label: 'true', cmd: ['/bin/true'] }, warmup: 1, runs: 2 });
    expect(r.a.samples).toHaveLength(2);
    expect(r.a.min).toBeGreaterThan(0);
    await expect(measure({ name: 'f', variant: { label: 'false', cmd: ['/bin/false'] }, warmup: 0, runs: 1 })).rejects.toThrow(/\/bin\/false exited with code 1/);
    await expect(measure({ name: 'f', variant: { label: 'nope', cmd: ['/nonexistent/cmd'] }, warmup: 0, runs: 1 })).rejects.toThrow(/cannot run \/nonexistent\/cmd: .*ENOENT/);
  });
});

describe('RESULTS.md', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = makeTempDir('tools-bench');
  });
  afterEach(() => removeTempDir(tmp));

  const machine = { kernel: '6.1.0-test', cpu: 'Test CPU', cores: 2, memoryBytes: 4 * 2 ** 30 };
  const result = (name: string, aMedian: number): CompareResult => ({
    kind: 'compare',
    name,
    a: { label: 'ours', samples: [aMedian], median: aMedian, min: aMedian - 1, max: aMedian + 1 },
    b: { label: 'reference', samples: [2], median: 2, min: 1.5, max: 2.5 },
    ratio: aMedian / 2,
    runs: 10,
  });
  const section = (suite: string, aMedian: number, date = '2026-01-02T03:04:00Z'): SuiteSection => ({
    suite,
    date: new Date(date),
    machine,
    results: [result(`${suite} op`, aMedian)],
  });

  test('a section is a table with the agreed columns and the machine', () => {
    const text = renderSection(section('alpha', 3));
    expect(text).toContain('## alpha');
    expect(text).toContain('Run 2026-01-02 03:04 UTC · kernel 6.1.0-test · Test CPU · 2 cores · 4.0 GiB memory');
    expect(text).toContain('| benchmark | A median (ms) | B median (ms) | A min–max | B min–max | ratio A/B (median of pairs) | runs |');
    expect(text).toContain('| alpha op (A: ours; B: reference) | 3.00 | 2.00 | 2.00–4.00 | 1.50–2.50 | 1.500 | 10 |');
  });

  test('sections of different suites survive each other; a suite replaces only its own', () => {
    const one = mergeResults(undefined, section('beta', 3));
    const two = mergeResults(one, section('alpha', 5));
    expect(two.indexOf('## alpha')).toBeLessThan(two.indexOf('## beta'));
    const three = mergeResults(two, section('beta', 7, '2026-02-01T00:00:00Z'));
    expect(three).toContain('| alpha op (A: ours; B: reference) | 5.00 |');
    expect(three).toContain('| beta op (A: ours; B: reference) | 7.00 |');
    expect(three).not.toContain('| beta op (A: ours; B: reference) | 3.00 |');
    expect(three.match(/## beta/g)).toHaveLength(1);
    expect(three).toContain('Last updated 2026-02-01 00:00 UTC');
    expect(mergeResults(three, section('beta', 7, '2026-02-01T00:00:00Z'))).toBe(three);
  });

  test('writeResults merges into the file on disk', () => {
    const file = path.join(tmp, 'bench', 'RESULTS.md');
    writeResults(file, section('alpha', 3));
    writeResults(file, section('gamma', 4));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('## alpha');
    expect(text).toContain('## gamma');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['RESULTS.md']);
  });

  test('suites are discovered in each workspace dist/bench and filtered by name', () => {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ workspaces: ['pkg-a', 'pkg-b'] }));
    const benchDir = path.join(tmp, 'pkg-a', 'dist', 'bench');
    fs.mkdirSync(benchDir, { recursive: true });
    fs.writeFileSync(path.join(benchDir, 'one.bench.js'), "exports.default = { name: 'pull-speed', run() {} };\n");
    fs.writeFileSync(path.join(benchDir, 'two.bench.js'), "module.exports = { name: 'start-latency', run() {} };\n");
    fs.writeFileSync(path.join(benchDir, 'helper.js'), 'throw new Error("not a suite");\n');
    const suites = discoverSuites(tmp);
    expect(suites.map((s) => s.suite.name)).toEqual(['pull-speed', 'start-latency']);
    expect(selectSuites(suites, ['start']).map((s) => s.suite.name)).toEqual(['start-latency']);
    expect(selectSuites(suites, [])).toHaveLength(2);
  });

  test('npm run bench runs the runtime-smoke suite end to end', async () => {
    const out = path.join(tmp, 'RESULTS.md');
    const r = await runCommand(process.execPath, [BENCH_MAIN, 'runtime-smoke', '--out', out], 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toContain('## runtime-smoke');
    expect(text).toMatch(/\| spawn true \(A: busybox true; B: \/bin\/true\) \| [\d.]+ \| [\d.]+ \| [\d.]+–[\d.]+ \| [\d.]+–[\d.]+ \| [\d.]+ \| 20 \|/);
    const none = await runCommand(process.execPath, [BENCH_MAIN, 'no-such-suite', '--out', out]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no suite matches no-such-suite/);
  });
});
