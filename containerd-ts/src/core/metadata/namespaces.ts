// Namespaces: created explicitly or implicitly by the first write into them; deletable only when empty.
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errdefs.js';
import { validateIdentifier } from '../namespaces/context.js';
import { packEvent } from '../events/any.js';
import type { Publisher } from '../events/exchange.js';
import { NamespaceCreateSchema, NamespaceDeleteSchema, NamespaceUpdateSchema } from '@stack/proto/gen/containerd/events/namespace_pb';
import { prefixRange, type MetadataDB } from './db.js';
import { applyLabelPaths, compactLabels, validateLabels } from './labels.js';
import type { NamespaceRecord } from './records.js';

export class NamespaceStore {
  constructor(
    private readonly db: MetadataDB,
    private readonly events: Publisher,
  ) {}

  /** Records the namespace if it is new; call inside the transaction that writes into it. */
  ensure(name: string): void {
    if (this.db.t.namespaces.get(name) === undefined) {
      this.db.t.namespaces.putSync(name, { name, labels: {}, createdAt: Date.now() });
    }
  }

  create(name: string, labels: Record<string, string>): NamespaceRecord {
    validateIdentifier('namespace', name);
    const rec: NamespaceRecord = { name, labels: validateLabels(compactLabels(labels)), createdAt: Date.now() };
    this.db.tx(() => {
      if (this.db.t.namespaces.get(name) !== undefined) throw alreadyExists(`namespace ${name}`);
      this.db.t.namespaces.putSync(name, rec);
    });
    this.events.publish(name, '/namespaces/create', packEvent(NamespaceCreateSchema, { name, labels: rec.labels }));
    return rec;
  }

  get(name: string): NamespaceRecord {
    const rec = this.db.t.namespaces.get(name);
    if (!rec) throw notFound(`namespace ${name}`);
    return rec;
  }

  list(): NamespaceRecord[] {
    return [...this.db.range(this.db.t.namespaces)].map((e) => e.value);
  }

  /**
   * Sets labels; as in containerd, setting labels on a namespace that does not exist creates it
   * (clients label their namespace on connect without creating it first).
   */
  update(name: string, labels: Record<string, string>, paths: readonly string[]): NamespaceRecord {
    validateIdentifier('namespace', name);
    const rec = this.db.tx(() => {
      const cur = this.db.t.namespaces.get(name) ?? { name, labels: {}, createdAt: Date.now() };
      const { labels: next, rest } = applyLabelPaths(cur.labels, labels, paths.length ? paths : ['labels']);
      if (rest.length) throw invalidArgument(`cannot update ${JSON.stringify(rest[0])} field`);
      const updated = { ...cur, labels: next };
      this.db.t.namespaces.putSync(name, updated);
      return updated;
    });
    this.events.publish(name, '/namespaces/update', packEvent(NamespaceUpdateSchema, { name, labels: rec.labels }));
    return rec;
  }

  delete(name: string): void {
    this.db.tx(() => {
      this.get(name);
      const t = this.db.t;
      const has = (db: { getKeys(o: { start: string; end: string; limit: number }): Iterable<string> }, ...p: string[]) => {
        for (const _ of db.getKeys({ ...prefixRange(...p), limit: 1 })) return true;
        return false;
      };
      const inUse: string[] = [];
      if (has(t.images, name)) inUse.push('images');
      if (has(t.content, name)) inUse.push('blobs');
      if (has(t.containers, name)) inUse.push('containers');
      if (has(t.leases, name)) inUse.push('leases');
      for (const k of t.snapshots.getKeys({})) {
        if (k.split('\x1f')[1] === name) {
          inUse.push('snapshots');
          break;
        }
      }
      if (inUse.length) throw failedPrecondition(`namespace ${name} must be empty, but it still has ${inUse.join(', ')}`);
      t.namespaces.removeSync(name);
    });
    this.events.publish(name, '/namespaces/delete', packEvent(NamespaceDeleteSchema, { name }));
  }
}
