import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompareResult, CompareSpec, MeasureResult, MeasureSpec } from './compare.js';

/** What a suite gets: timing helpers whose results land in its RESULTS.md section. */
export interface BenchContext {
  compare(spec: CompareSpec): Promise<CompareResult>;
  measure(spec: MeasureSpec): Promise<MeasureResult>;
  /** A temp dir for the suite's files, removed after it runs. */
  tmpDir: string;
  log(message: string): void;
  /** Adds a paragraph under the suite's table in RESULTS.md. */
  note(text: string): void;
}

/** A benchmark suite: `<pkg>/dist/bench/*.bench.js` exports one (as `default`, `suite`, or the module itself). */
export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): unknown;
}

export interface LoadedSuite {
  suite: BenchSuite;
  file: string;
}

/** Finds the suites of every workspace package listed in the root package.json. */
export function discoverSuites(root: string): LoadedSuite[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const found: LoadedSuite[] = [];
  for (const ws of pkg.workspaces ?? []) {
    const dir = path.join(root, ws, 'dist', 'bench');
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.bench.js')).sort()) {
      const file = path.join(dir, name);
      found.push({ suite: suiteOf(require(file) as unknown, file), file });
    }
  }
  const names = new Set<string>();
  for (const { suite, file } of found) {
    if (names.has(suite.name)) throw new Error(`two benchmark suites are named ${suite.name} (one in ${file})`);
    names.add(suite.name);
  }
  return found;
}

/** Suites whose name contains any of the filters (all when there are none). */
export function selectSuites(suites: readonly LoadedSuite[], filters: readonly string[]): LoadedSuite[] {
  return filters.length === 0 ? [...suites] : suites.filter((s) => filters.some((f) => s.suite.name.includes(f)));
}

function suiteOf(mod: unknown, file: string): BenchSuite {
  const m = mod as { default?: unknown; suite?: unknown };
  for (const candidate of [m.default, m.suite, mod]) {
    const c = candidate as Partial<BenchSuite> | undefined;
    if (c && typeof c.name === 'string' && typeof c.run === 'function') return c as BenchSuite;
  }
  throw new Error(`${file} does not export a benchmark suite ({ name, run(ctx) })`);
}
