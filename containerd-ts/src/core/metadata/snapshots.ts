// Namespaced snapshots over a backend: keys, parent chains, kinds and labels live in the metadata
// database; the backend's directory appears under its id in the same transaction that records it.
import { rm } from 'node:fs/promises';
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errdefs.js';
import { labelField, parseFilters } from '../filters/filter.js';
import { packEvent } from '../events/any.js';
import type { Publisher } from '../events/exchange.js';
import type { Ctx } from '../namespaces/context.js';
import type { Mount, SnapshotterBackend, Usage } from '../snapshots/snapshotter.js';
import { SnapshotCommitSchema, SnapshotPrepareSchema, SnapshotRemoveSchema } from '@stack/proto/gen/containerd/events/snapshot_pb';
import { key, prefixRange, SEP, type MetadataDB } from './db.js';
import { applyLabelPaths, compactLabels, validateLabels } from './labels.js';
import type { LeaseStore } from './leases.js';
import type { NamespaceStore } from './namespaces.js';
import type { SnapshotKind, SnapshotRecord } from './records.js';

export function snapshotField(s: SnapshotRecord, fp: string[]): string | undefined {
  switch (fp[0]) {
    case 'name':
      return s.key;
    case 'parent':
      return s.parent;
    case 'kind':
      return s.kind;
    case 'labels':
      return labelField(s.labels, fp);
    default:
      return undefined;
  }
}

function validateKey(k: string): void {
  if (k === '') throw invalidArgument('snapshot key must not be empty');
  if (k.includes(SEP) || k.includes('\0')) throw invalidArgument(`snapshot key ${JSON.stringify(k)} contains a control character`);
}

export class SnapshotStore {
  onDirty: () => void = () => undefined;

  constructor(
    readonly backend: SnapshotterBackend,
    private readonly db: MetadataDB,
    private readonly namespaces: NamespaceStore,
    private readonly leases: LeaseStore,
    private readonly events: Publisher,
  ) {}

  get name(): string {
    return this.backend.name;
  }

  private k(ns: string, snapshotKey: string): string {
    return key(this.backend.name, ns, snapshotKey);
  }

  private leaseType(): string {
    return `snapshots/${this.backend.name}`;
  }

  stat(ctx: Ctx, snapshotKey: string): SnapshotRecord {
    const rec = this.db.t.snapshots.get(this.k(ctx.namespace, snapshotKey));
    if (!rec) throw notFound(`snapshot ${snapshotKey}`);
    return rec;
  }

  tryStat(ctx: Ctx, snapshotKey: string): SnapshotRecord | undefined {
    return this.db.t.snapshots.get(this.k(ctx.namespace, snapshotKey));
  }

  /** Storage ids of the snapshot's ancestors, nearest first. */
  private parentIds(ns: string, rec: SnapshotRecord): string[] {
    const ids: string[] = [];
    let parent = rec.parent;
    while (parent !== '') {
      const p = this.db.t.snapshots.get(this.k(ns, parent));
      if (!p) throw failedPrecondition(`snapshot ${rec.key}: parent ${parent} is missing`);
      ids.push(p.id);
      parent = p.parent;
    }
    return ids;
  }

  prepare(ctx: Ctx, snapshotKey: string, parent: string, labels: Record<string, string>): Promise<Mount[]> {
    return this.create(ctx, 'active', snapshotKey, parent, labels);
  }

  view(ctx: Ctx, snapshotKey: string, parent: string, labels: Record<string, string>): Promise<Mount[]> {
    return this.create(ctx, 'view', snapshotKey, parent, labels);
  }

  private async create(ctx: Ctx, kind: SnapshotKind, snapshotKey: string, parent: string, labels: Record<string, string>): Promise<Mount[]> {
    validateKey(snapshotKey);
    const clean = validateLabels(compactLabels(labels));
    const check = () => {
      if (this.tryStat(ctx, snapshotKey)) throw alreadyExists(`snapshot ${snapshotKey}`);
      if (parent !== '') {
        const p = this.tryStat(ctx, parent);
        if (!p) throw notFound(`parent snapshot ${parent}`);
        if (p.kind !== 'committed') throw invalidArgument(`parent snapshot ${parent} is not committed`);
      }
    };
    check();
    const stage = await this.backend.stage();
    let rec: SnapshotRecord;
    try {
      rec = this.db.tx(() => {
        check();
        this.namespaces.ensure(ctx.namespace);
        const id = String(this.db.nextId(`snapshot-id.${this.backend.name}`));
        const now = Date.now();
        const r: SnapshotRecord = { key: snapshotKey, kind, parent, labels: clean, createdAt: now, updatedAt: now, id, size: 0, inodes: 0 };
        this.db.t.snapshots.putSync(this.k(ctx.namespace, snapshotKey), r);
        this.leases.track(ctx, { type: this.leaseType(), id: snapshotKey });
        stage.publish(id);
        return r;
      });
    } catch (err) {
      stage.discard();
      throw err;
    }
    this.events.publish(ctx.namespace, '/snapshot/prepare', packEvent(SnapshotPrepareSchema, { key: snapshotKey, parent, snapshotter: this.backend.name }));
    return this.backend.mounts(kind, rec.id, this.parentIds(ctx.namespace, rec));
  }

  mounts(ctx: Ctx, snapshotKey: string): Mount[] {
    const rec = this.stat(ctx, snapshotKey);
    if (rec.kind === 'committed') throw failedPrecondition(`snapshot ${snapshotKey} is committed: only active and view snapshots have mounts`);
    return this.backend.mounts(rec.kind, rec.id, this.parentIds(ctx.namespace, rec));
  }

  /** The directory an active snapshot's changes go to (for applying a layer directly). */
  upperDir(ctx: Ctx, snapshotKey: string): { dir: string; lowers: string[] } {
    const rec = this.stat(ctx, snapshotKey);
    if (rec.kind !== 'active') throw failedPrecondition(`snapshot ${snapshotKey} is not active`);
    return { dir: this.backend.dir(rec.id), lowers: this.parentIds(ctx.namespace, rec).map((id) => this.backend.dir(id)) };
  }

  async commit(ctx: Ctx, name: string, snapshotKey: string, labels: Record<string, string>): Promise<SnapshotRecord> {
    validateKey(name);
    const clean = validateLabels(compactLabels(labels));
    const active = this.stat(ctx, snapshotKey);
    if (active.kind !== 'active') throw failedPrecondition(`snapshot ${snapshotKey} is not active`);
    const usage = await this.backend.usage(active.id);
    const rec = this.db.tx(() => {
      const cur = this.stat(ctx, snapshotKey);
      if (cur.kind !== 'active' || cur.id !== active.id) throw failedPrecondition(`snapshot ${snapshotKey} changed during commit`);
      if (this.tryStat(ctx, name)) throw alreadyExists(`snapshot ${name}`);
      const now = Date.now();
      const r: SnapshotRecord = { key: name, kind: 'committed', parent: cur.parent, labels: clean, createdAt: now, updatedAt: now, id: cur.id, size: usage.size, inodes: usage.inodes };
      this.db.t.snapshots.removeSync(this.k(ctx.namespace, snapshotKey));
      this.db.t.snapshots.putSync(this.k(ctx.namespace, name), r);
      this.leases.track(ctx, { type: this.leaseType(), id: name });
      return r;
    });
    this.events.publish(ctx.namespace, '/snapshot/commit', packEvent(SnapshotCommitSchema, { key: snapshotKey, name, snapshotter: this.backend.name }));
    return rec;
  }

  private hasChildren(ns: string, snapshotKey: string): boolean {
    for (const { value } of this.db.range(this.db.t.snapshots, this.backend.name, ns)) if (value.parent === snapshotKey) return true;
    return false;
  }

  async remove(ctx: Ctx, snapshotKey: string): Promise<void> {
    const rec = this.db.tx(() => {
      const r = this.stat(ctx, snapshotKey);
      if (this.hasChildren(ctx.namespace, snapshotKey)) throw failedPrecondition(`cannot remove snapshot ${snapshotKey}: it has children`);
      this.db.t.snapshots.removeSync(this.k(ctx.namespace, snapshotKey));
      return r;
    });
    await this.backend.remove(rec.id);
    this.events.publish(ctx.namespace, '/snapshot/remove', packEvent(SnapshotRemoveSchema, { key: snapshotKey, snapshotter: this.backend.name }));
    this.onDirty();
  }

  update(ctx: Ctx, snapshotKey: string, labels: Record<string, string>, paths: readonly string[]): SnapshotRecord {
    return this.db.tx(() => {
      const cur = this.stat(ctx, snapshotKey);
      const { labels: next, rest } = applyLabelPaths(cur.labels, labels, paths.length ? paths : ['labels']);
      if (rest.length) throw invalidArgument(`snapshot ${snapshotKey}: cannot update ${rest.join(', ')}`);
      const r = { ...cur, labels: next, updatedAt: Date.now() };
      this.db.t.snapshots.putSync(this.k(ctx.namespace, snapshotKey), r);
      return r;
    });
  }

  list(ctx: Ctx, filters: readonly string[] = []): SnapshotRecord[] {
    const f = parseFilters(filters);
    const out: SnapshotRecord[] = [];
    for (const { value } of this.db.range(this.db.t.snapshots, this.backend.name, ctx.namespace)) if (f((fp) => snapshotField(value, fp))) out.push(value);
    return out;
  }

  async usage(ctx: Ctx, snapshotKey: string): Promise<Usage> {
    const rec = this.stat(ctx, snapshotKey);
    if (rec.kind === 'committed') return { size: rec.size, inodes: rec.inodes };
    return this.backend.usage(rec.id);
  }

  /** Every record of this snapshotter in every namespace. */
  *all(): Iterable<{ namespace: string; record: SnapshotRecord }> {
    for (const { key: k, value } of this.db.range(this.db.t.snapshots, this.backend.name)) {
      yield { namespace: k.split(SEP)[1] as string, record: value };
    }
  }

  /** Removes records (GC); children must go first. Returns the storage ids to delete. */
  removeRecords(items: Array<{ namespace: string; key: string }>): string[] {
    return this.db.tx(() => {
      const ids: string[] = [];
      for (const it of items) {
        const k = this.k(it.namespace, it.key);
        const r = this.db.t.snapshots.get(k);
        if (!r) continue;
        this.db.t.snapshots.removeSync(k);
        ids.push(r.id);
      }
      return ids;
    });
  }

  /** Deletes storage no record refers to; with startup, also a crash's staged and half-removed dirs. */
  async cleanup(startup = false): Promise<number> {
    let n = 0;
    if (startup) {
      for (const p of await this.backend.leftovers()) {
        await rm(p, { recursive: true, force: true });
        n++;
      }
    }
    const used = new Set<string>();
    for (const { record } of this.all()) used.add(record.id);
    for (const id of await this.backend.list()) {
      if (!used.has(id)) {
        await this.backend.remove(id);
        n++;
      }
    }
    return n;
  }

  /** Namespaces that still hold snapshots of this snapshotter. */
  namespacesInUse(): Set<string> {
    const out = new Set<string>();
    for (const k of this.db.t.snapshots.getKeys(prefixRange(this.backend.name))) out.add(k.split(SEP)[1] as string);
    return out;
  }
}
