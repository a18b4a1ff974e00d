// The metadata database: one LMDB environment, a named table per kind of record, string keys
// `namespace<US>name` so one namespace is one contiguous range. Every change runs in a synchronous
// write transaction: after a crash a change is there whole or not at all.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { ContainerRecord, ContentRecord, ImageRecord, LeaseRecord, NamespaceRecord, SnapshotRecord } from './records.js';

/** Key separator: a control character no validated name contains. */
export const SEP = '\x1f';

export function key(...parts: string[]): string {
  return parts.join(SEP);
}

/** Range options selecting every key that starts with the given parts. */
export function prefixRange(...parts: string[]): { start: string; end: string } {
  const p = parts.join(SEP) + SEP;
  return { start: p, end: p.slice(0, -1) + '\x20' };
}

export function lastPart(k: string): string {
  return k.slice(k.lastIndexOf(SEP) + 1);
}

export interface Tables {
  namespaces: Database<NamespaceRecord, string>;
  images: Database<ImageRecord, string>;
  containers: Database<ContainerRecord, string>;
  leases: Database<LeaseRecord, string>;
  /** ns, lease, type, resource id → 1. */
  leaseResources: Database<number, string>;
  content: Database<ContentRecord, string>;
  /** snapshotter, ns, key → record. */
  snapshots: Database<SnapshotRecord, string>;
  /** Counters and schema version. */
  meta: Database<number | string, string>;
}

export const SCHEMA_VERSION = 1;

export class MetadataDB {
  private readonly root: RootDatabase;
  readonly t: Tables;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.root = open({ path: file, maxDbs: 16, compression: false });
    const table = <V>(name: string) => this.root.openDB<V, string>({ name });
    this.t = {
      namespaces: table('namespaces'),
      images: table('images'),
      containers: table('containers'),
      leases: table('leases'),
      leaseResources: table('lease-resources'),
      content: table('content'),
      snapshots: table('snapshots'),
      meta: table('meta'),
    };
    this.tx(() => {
      if (this.t.meta.get('schema') === undefined) this.t.meta.putSync('schema', SCHEMA_VERSION);
    });
  }

  /** Runs fn in one write transaction; a throw rolls everything back. */
  tx<T>(fn: () => T): T {
    return this.root.transactionSync(fn);
  }

  /** Next value of a named counter (inside or outside a transaction). */
  nextId(counter: string): number {
    return this.tx(() => {
      const n = ((this.t.meta.get(counter) as number | undefined) ?? 0) + 1;
      this.t.meta.putSync(counter, n);
      return n;
    });
  }

  *range<V>(db: Database<V, string>, ...prefix: string[]): Iterable<{ key: string; value: V }> {
    for (const { key: k, value } of db.getRange(prefix.length ? prefixRange(...prefix) : {})) yield { key: k, value };
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}
