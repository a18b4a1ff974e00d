// --format: the subset of Go templates people use with docker — {{.Field}}, {{.A.B}}, {{json .}},
// {{json .Field}}, {{upper .X}}, {{lower .X}}, {{join .List ","}}, "table" with headers — and "json".
export type Row = Record<string, unknown>;

function lookup(obj: unknown, path: string): unknown {
  if (path === '.' || path === '') return obj;
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Go's default printing of a value (%v). */
export function goString(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  return String(v);
}

function evalAction(action: string, obj: unknown): string {
  const tokens = action.trim().match(/"[^"]*"|\S+/g) ?? [];
  const arg = (t: string | undefined) => (t === undefined ? undefined : t.startsWith('"') ? t.slice(1, -1) : lookup(obj, t));
  const [fn, a, b] = tokens;
  switch (fn) {
    case 'json':
      return JSON.stringify(arg(a) ?? null);
    case 'upper':
      return goString(arg(a)).toUpperCase();
    case 'lower':
      return goString(arg(a)).toLowerCase();
    case 'join': {
      const list = arg(a);
      return Array.isArray(list) ? list.map(String).join(String(arg(b) ?? '')) : goString(list);
    }
    case 'println':
      return `${goString(arg(a))}\n`;
    default:
      if (fn?.startsWith('.')) {
        const v = lookup(obj, fn);
        return v === undefined ? '<no value>' : goString(v);
      }
      throw new Error(`template: unsupported action {{${action}}}`);
  }
}

export function renderTemplate(template: string, obj: unknown): string {
  const tpl = template.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return tpl.replace(/\{\{(.*?)\}\}/g, (_, action: string) => evalAction(action, obj));
}

/** Columns padded like Go's tabwriter (padding 3). */
export function tabulate(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd()).join('\n');
}

/**
 * Prints rows with a user format ("table …", a template, or "json") or the default table.
 * `headers` names the columns of the default table and the header of each field for "table".
 */
export function printFormatted(rows: Row[], format: string | undefined, defaultTable: string, headers: Record<string, string>): void {
  if (format === 'json') {
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const f = format || defaultTable;
  if (f.startsWith('table')) {
    const body = f.slice('table'.length).trim() || defaultTable.slice('table'.length).trim();
    const cells = (s: string) => s.replace(/\\t/g, '\t').split('\t');
    const header = cells(body).map((c) => c.replace(/\{\{\s*\.?(\w+)\s*\}\}/g, (_, k: string) => headers[k] ?? k.toUpperCase()));
    const out = [header, ...rows.map((r) => cells(renderTemplate(body, r)))];
    process.stdout.write(`${tabulate(out)}\n`);
    return;
  }
  for (const r of rows) process.stdout.write(`${renderTemplate(f, r)}\n`);
}
