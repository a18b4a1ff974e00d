// --format as docker takes it: a Go template (template-parse.ts, template-exec.ts), "table …" with a
// header row and columns aligned like Go's tabwriter, or "json". A broken template is an error.
import { executeParsed, executeTemplate, goValue, TemplateError, type ExecOptions, type TemplateFunc } from './template-exec.js';
import { parseTemplate, type TemplateNode } from './template-parse.js';

export type Row = Record<string, unknown>;
export { TemplateError };

/** docker turns the two-character `\t` and `\n` of a format into a tab and a newline. */
function unescape(format: string): string {
  return format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

/** Go's default printing of a value (%v), as an action prints it. */
export function goString(v: unknown): string {
  return goValue(v);
}

/** Renders a template on decoded JSON (inspect, info, version, events): a missing key is <no value>. */
export function renderTemplate(template: string, obj: unknown): string {
  return executeTemplate(unescape(template), obj);
}

/**
 * Columns padded like docker's tabwriter (minimum width 10, padding 3; `docker top` uses 20): only
 * tab-terminated cells set a column's width, the last cell of a line is written as it is.
 */
export function tabulate(rows: string[][], minWidth = 10): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => i < r.length - 1 && (widths[i] = Math.max(widths[i] ?? minWidth, [...c].length + 3)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? minWidth))).join('')).join('\n');
}

/** How a command words a broken template: docker's list formatter, or `ps`'s own check. */
export interface TemplateErrorWords {
  parse: string;
  exec: string;
}

const FORMATTER_WORDS: TemplateErrorWords = { parse: 'template parsing error', exec: 'template' };

function parse(format: string, words: TemplateErrorWords): TemplateNode[] {
  try {
    return parseTemplate(format);
  } catch (err) {
    throw new TemplateError(`${words.parse}: ${(err as Error).message}`);
  }
}

function execute(t: readonly TemplateNode[], data: unknown, o: ExecOptions, words: TemplateErrorWords): string {
  try {
    return executeParsed(t, data, o);
  } catch (err) {
    throw new TemplateError(`${words.exec}: ${(err as Error).message}`);
  }
}

/** docker's header functions: in the header row every formatting function just passes its argument on. */
const HEADER_FUNCS: Record<string, TemplateFunc> = Object.fromEntries(['json', 'split', 'join', 'title', 'lower', 'upper', 'pad', 'truncate'].map((f) => [f, (v: unknown) => (typeof v === 'string' ? v : goValue(v))]));

/**
 * Prints rows with a user format ("table …", a template, or "json") or the default table.
 * `headers` names the columns of the default table and the header of each field for "table".
 * Rows are Go structs to the template: an unknown field is an error; function-valued properties
 * are methods (`{{.Label "k"}}`).
 */
export function printFormatted(rows: Row[], format: string | undefined, defaultTable: string, headers: Record<string, string>, words = FORMATTER_WORDS): void {
  if (format === 'json' || format === '{{json .}}') {
    const plain = (r: Row) => Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== 'function'));
    process.stdout.write(rows.map((r) => `${JSON.stringify(plain(r))}\n`).join(''));
    return;
  }
  const f = unescape(format || defaultTable);
  if (!f.startsWith('table')) {
    const t = parse(f, words);
    process.stdout.write(rows.map((r) => `${execute(t, r, { struct: true }, words)}\n`).join(''));
    return;
  }
  const body = f.slice('table'.length).trim() || unescape(defaultTable).slice('table'.length).trim();
  const headerRow: Row = {};
  for (const k of new Set([...Object.keys(headers), ...Object.keys(rows[0] ?? {})])) {
    const name = headers[k] ?? k.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    headerRow[k] = typeof rows[0]?.[k] === 'function' ? () => name : name;
  }
  const t = parse(body, words);
  const lines = [execute(t, headerRow, { funcs: HEADER_FUNCS }, words), ...rows.map((r) => execute(t, r, { struct: true }, words))];
  const cells = lines.join('\n').split('\n').map((l) => l.split('\t'));
  process.stdout.write(`${tabulate(cells)}\n`);
}
