// Sweeps what marking did not reach: content records, snapshot records (with their directories) and
// expired leases in one transaction, then blobs no namespace records any more. Runs one at a time;
// a request during a run schedules one more run after it.
import type { Logger } from '../log/logger.js';
import type { Digest } from '../digest.js';
import { key, SEP, type MetadataDB } from '../metadata/db.js';
import { isExpired } from '../metadata/leases.js';
import type { ContentStore } from '../metadata/content.js';
import type { SnapshotStore } from '../metadata/snapshots.js';
import { GC_ROOT_LABEL, labelRefs, mark, nodeKey, type GcNode } from './mark.js';

export interface GcStats {
  content: number;
  blobs: number;
  snapshots: number;
  leases: number;
  ms: number;
}

export class GarbageCollector {
  private running: Promise<GcStats> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: MetadataDB,
    private readonly content: ContentStore,
    private readonly snapshotters: Map<string, SnapshotStore>,
    private readonly log: Logger,
    private readonly delayMs = 100,
  ) {}

  /** Asks for a collection soon (coalescing bursts of deletes). */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect().catch((err: unknown) => this.log.error('garbage collection failed', { error: err }));
    }, this.delayMs);
    this.timer.unref();
  }

  /** Runs a collection now (after the one in progress) and resolves with what it removed. */
  async collect(): Promise<GcStats> {
    if (this.running) {
      this.again = true;
      await this.running.catch(() => undefined);
      if (this.running) return this.running;
    }
    this.again = false;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private roots(now: number): { roots: GcNode[]; expired: Array<{ ns: string; id: string }> } {
    const t = this.db.t;
    const roots: GcNode[] = [];
    const expired: Array<{ ns: string; id: string }> = [];
    for (const { key: k, value } of this.db.range(t.images)) {
      const ns = k.split(SEP)[0] as string;
      roots.push({ type: 'content', namespace: ns, id: value.target.digest }, ...labelRefs(ns, value.labels));
    }
    for (const { key: k, value } of this.db.range(t.containers)) {
      const ns = k.split(SEP)[0] as string;
      if (value.snapshotter && value.snapshotKey) roots.push({ type: 'snapshot', namespace: ns, id: `${value.snapshotter}/${value.snapshotKey}` });
      roots.push(...labelRefs(ns, value.labels));
    }
    const live = new Set<string>();
    for (const { key: k, value } of this.db.range(t.leases)) {
      const ns = k.split(SEP)[0] as string;
      if (isExpired(value, now)) expired.push({ ns, id: value.id });
      else live.add(key(ns, value.id));
    }
    for (const k of t.leaseResources.getKeys({})) {
      const [ns, lease, type, ...rest] = k.split(SEP) as [string, string, string, ...string[]];
      if (!live.has(key(ns, lease))) continue;
      const id = rest.join(SEP);
      if (type === 'content') roots.push({ type: 'content', namespace: ns, id });
      else if (type.startsWith('snapshots/')) roots.push({ type: 'snapshot', namespace: ns, id: `${type.slice('snapshots/'.length)}/${id}` });
    }
    for (const { key: k, value } of this.db.range(t.content)) {
      if (value.labels[GC_ROOT_LABEL] !== undefined) roots.push({ type: 'content', namespace: k.split(SEP)[0] as string, id: value.digest });
    }
    for (const [name, store] of this.snapshotters) {
      for (const { namespace, record } of store.all()) {
        if (record.labels[GC_ROOT_LABEL] !== undefined) roots.push({ type: 'snapshot', namespace, id: `${name}/${record.key}` });
      }
    }
    return { roots, expired };
  }

  private refs(n: GcNode): GcNode[] {
    if (n.type === 'content') {
      const rec = this.db.t.content.get(key(n.namespace, n.id));
      return rec ? labelRefs(n.namespace, rec.labels) : [];
    }
    const slash = n.id.indexOf('/');
    const store = this.snapshotters.get(n.id.slice(0, slash));
    const rec = store?.tryStat({ namespace: n.namespace }, n.id.slice(slash + 1));
    if (!store || !rec) return [];
    const out = labelRefs(n.namespace, rec.labels);
    if (rec.parent !== '') out.push({ type: 'snapshot', namespace: n.namespace, id: `${store.name}/${rec.parent}` });
    return out;
  }

  private async run(): Promise<GcStats> {
    const started = Date.now();
    const stats: GcStats = { content: 0, blobs: 0, snapshots: 0, leases: 0, ms: 0 };
    const storageToRemove: Array<{ store: SnapshotStore; ids: string[] }> = [];
    // Mark and sweep the records in one transaction, so nothing is added in between.
    this.db.tx(() => {
      const { roots, expired } = this.roots(started);
      for (const l of expired) {
        this.db.t.leases.removeSync(key(l.ns, l.id));
        for (const k of [...this.db.t.leaseResources.getKeys({ start: key(l.ns, l.id) + SEP, end: key(l.ns, l.id) + '\x20' })]) this.db.t.leaseResources.removeSync(k);
        stats.leases++;
      }
      const marked = mark(roots, (n) => this.refs(n));
      for (const { key: k, value } of [...this.db.range(this.db.t.content)]) {
        const ns = k.split(SEP)[0] as string;
        if (!marked.has(nodeKey({ type: 'content', namespace: ns, id: value.digest }))) {
          this.db.t.content.removeSync(k);
          stats.content++;
        }
      }
      for (const [name, store] of this.snapshotters) {
        const doomed: Array<{ namespace: string; key: string }> = [];
        for (const { namespace, record } of store.all()) {
          if (!marked.has(nodeKey({ type: 'snapshot', namespace, id: `${name}/${record.key}` }))) doomed.push({ namespace, key: record.key });
        }
        const ids = store.removeRecords(doomed);
        stats.snapshots += ids.length;
        if (ids.length) storageToRemove.push({ store, ids });
      }
    });
    for (const { store, ids } of storageToRemove) for (const id of ids) await store.backend.remove(id);
    // Blobs: delete those no namespace records, except ones being committed right now. The check and
    // the unlink happen in one synchronous stretch, so no commit can record a blob in between.
    await this.content.withBlobLock(async () => {
      const onDisk: Digest[] = [];
      for await (const d of this.content.blobs.walk()) onDisk.push(d);
      const recorded = new Set<string>();
      for (const { value } of this.db.range(this.db.t.content)) recorded.add(value.digest);
      for (const d of onDisk) {
        if (recorded.has(d) || this.content.isCommitting(d)) continue;
        if (this.content.blobs.deleteSync(d)) stats.blobs++;
      }
    });
    stats.ms = Date.now() - started;
    if (stats.content || stats.blobs || stats.snapshots || stats.leases) this.log.info('garbage collected', { ...stats });
    if (this.again) this.schedule();
    return stats;
  }
}
