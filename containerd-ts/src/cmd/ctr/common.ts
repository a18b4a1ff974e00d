// What every ctr-ts command shares: global options, the client, and table/JSON output.
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { connectStackLight, type StackClient } from '../../client/client.js';

export interface GlobalArgs {
  address: string;
  namespace: string;
  format: 'table' | 'json';
}

/** Runs a command body with a connected client and always closes it. */
export async function withClient<T>(argv: GlobalArgs, fn: (c: StackClient) => Promise<T>): Promise<T> {
  const c = connectStackLight(argv.address, argv.namespace);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

export function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

/** Columns padded to their widest cell, as ctr's tabwriter output. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function json(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => (typeof val === 'bigint' ? Number(val) : val instanceof Uint8Array ? Buffer.from(val).toString('base64') : val), 2);
}

/** Prints rows as a table, or the raw objects as JSON with --format json. */
export function print<T>(argv: GlobalArgs, items: T[], header: string[], row: (t: T) => string[], asJson: (t: T) => unknown = (t) => t): void {
  if (argv.format === 'json') out(json(items.map(asJson)));
  else out(table(header, items.map(row)));
}

/** A Timestamp as ISO text (done by hand: loading the well-known types costs a command ~20 ms). */
export function time(t: Timestamp | undefined): string {
  return t ? new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6)).toISOString() : '';
}

export function labelsText(labels: Record<string, string>): string {
  const s = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return s || '-';
}

export function bytes(n: number | bigint): string {
  let v = Number(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  // containerd's progress.Bytes: one decimal whatever the unit ("366.0 B").
  return `${v.toFixed(1)} ${units[u]}`;
}

export function parseLabels(list: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of list ?? []) {
    const i = l.indexOf('=');
    if (i <= 0) throw new Error(`invalid label ${JSON.stringify(l)}: want KEY=VALUE`);
    labels[l.slice(0, i)] = l.slice(i + 1);
  }
  return labels;
}
