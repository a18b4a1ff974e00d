import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchResult } from './compare.js';
import { describeMachine, type MachineInfo } from './machine.js';

// bench/RESULTS.md: a short preamble, then one section per suite between marker comments. A run
// of one suite replaces only its own section, so suites run separately do not erase each other.

export interface SuiteSection {
  suite: string;
  date: Date;
  machine: MachineInfo;
  results: readonly BenchResult[];
  /** Paragraphs shown under the table (what the floor is, where the time goes). */
  notes?: readonly string[];
}

const SECTION = /<!-- suite: (.+?) -->\n[\s\S]*?<!-- \/suite: \1 -->\n?/g;

const COLUMNS = ['benchmark', 'A median (ms)', 'B median (ms)', 'A min–max', 'B min–max', 'ratio A/B (median of pairs)', 'runs'];

export function renderSection(s: SuiteSection): string {
  const rows = s.results.map((r) => {
    if (r.kind === 'compare') {
      return [
        `${r.name} (A: ${r.a.label}; B: ${r.b.label})`,
        ms(r.a.median),
        ms(r.b.median),
        `${ms(r.a.min)}–${ms(r.a.max)}`,
        `${ms(r.b.min)}–${ms(r.b.max)}`,
        r.ratio.toFixed(3),
        String(r.runs),
      ];
    }
    const v = r.variant;
    return [`${r.name} (${v.label})`, ms(v.median), '–', `${ms(v.min)}–${ms(v.max)}`, '–', '–', String(r.runs)];
  });
  return [
    `<!-- suite: ${s.suite} -->`,
    `## ${s.suite}`,
    '',
    `Run ${stamp(s.date)} · ${describeMachine(s.machine)}`,
    '',
    tableRow(COLUMNS),
    `|${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map(tableRow),
    ...(s.notes ?? []).flatMap((n) => ['', n]),
    `<!-- /suite: ${s.suite} -->`,
    '',
  ].join('\n');
}

/** The file's new text: `existing` with the section of `section.suite` replaced (or added). */
export function mergeResults(existing: string | undefined, section: SuiteSection): string {
  const sections = new Map<string, string>();
  for (const m of (existing ?? '').matchAll(SECTION)) {
    if (m[1]) sections.set(m[1], m[0].endsWith('\n') ? m[0] : `${m[0]}\n`);
  }
  sections.set(section.suite, renderSection(section));
  const body = [...sections.keys()].sort().map((k) => sections.get(k) as string);
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (`tools/src/bench`). Wall-clock milliseconds; A and B run alternately',
    '(A B A B …) after a warm-up; the ratio is the median of the per-pair ratios A/B. Each suite keeps',
    'its own section, replaced only when that suite runs again.',
    '',
    `Last updated ${stamp(section.date)} · ${describeMachine(section.machine)}`,
    '',
    ...body,
  ].join('\n');
}

/** Merges one suite's results into the file, atomically (temp file + rename). */
export function writeResults(file: string, section: SuiteSection): void {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, mergeResults(existing, section));
  fs.renameSync(tmp, file);
}

function ms(v: number): string {
  return v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : v.toFixed(0);
}

function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}
