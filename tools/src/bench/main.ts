#!/usr/bin/env node
// `npm run bench [-- FILTER…] [--out FILE] [--list]`: runs the benchmark suites of every package
// and merges each suite's results into bench/RESULTS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { compare, measure, type BenchResult } from './compare.js';
import { currentMachine } from './machine.js';
import { writeResults } from './results-file.js';
import { discoverSuites, selectSuites, type BenchContext } from './suite.js';

/** tools/dist/src/bench → the repository root. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, list: { type: 'boolean' } },
    allowPositionals: true,
  });
  const out = path.resolve(values.out ?? path.join(ROOT, 'bench', 'RESULTS.md'));
  const suites = selectSuites(discoverSuites(ROOT), positionals);
  if (values.list) {
    for (const { suite, file } of suites) process.stdout.write(`${suite.name}\t${path.relative(ROOT, file)}\n`);
    return 0;
  }
  if (suites.length === 0) {
    process.stderr.write(`bench: no suite matches ${positionals.join(', ') || '(any)'}\n`);
    return 1;
  }

  let failed = 0;
  for (const { suite } of suites) {
    process.stdout.write(`== ${suite.name}\n`);
    const results: BenchResult[] = [];
    const notes: string[] = [];
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${suite.name.replace(/[^\w.-]/g, '_')}-`));
    const ctx: BenchContext = {
      tmpDir,
      log: (m) => process.stdout.write(`   ${m}\n`),
      note: (text) => {
        notes.push(text);
        process.stdout.write(`   note: ${text}\n`);
      },
      async compare(spec) {
        const r = await compare(spec);
        results.push(r);
        process.stdout.write(`   ${r.name}: ${r.a.label} ${r.a.median.toFixed(2)} ms, ${r.b.label} ${r.b.median.toFixed(2)} ms, A/B ${r.ratio.toFixed(3)}\n`);
        return r;
      },
      async measure(spec) {
        const r = await measure(spec);
        results.push(r);
        process.stdout.write(`   ${r.name}: ${r.variant.label} ${r.variant.median.toFixed(2)} ms\n`);
        return r;
      },
    };
    try {
      await suite.run(ctx);
      if (results.length > 0) writeResults(out, { suite: suite.name, date: new Date(), machine: currentMachine(), results, notes });
    } catch (err) {
      failed++;
      process.stderr.write(`bench: suite ${suite.name} failed (its section is left as it was): ${(err as Error).stack ?? String(err)}\n`);
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`results: ${out}\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
