// Leases: named holds on content, ingests and snapshots that garbage collection respects until the
// lease is deleted or its `containerd.io/gc.expire` time passes.
import { randomBytes } from 'node:crypto';
import { alreadyExists, invalidArgument, notFound } from '../errdefs.js';
import { isDigest } from '../digest.js';
import { labelField, parseFilters } from '../filters/filter.js';
import type { Ctx } from '../namespaces/context.js';
import { key, prefixRange, SEP, type MetadataDB } from './db.js';
import { compactLabels, validateLabels } from './labels.js';
import type { NamespaceStore } from './namespaces.js';
import type { LeaseRecord } from './records.js';

export const EXPIRE_LABEL = 'containerd.io/gc.expire';

export interface LeaseResource {
  id: string;
  type: string;
}

function validateResource(r: LeaseResource): void {
  if (r.type === 'content' || r.type === 'ingests') {
    if (r.type === 'content' && !isDigest(r.id)) throw invalidArgument(`lease resource: invalid digest ${JSON.stringify(r.id)}`);
  } else if (!/^snapshots\/[A-Za-z0-9_.-]+$/.test(r.type)) {
    throw invalidArgument(`lease resource: unsupported type ${JSON.stringify(r.type)}`);
  }
  if (r.id === '') throw invalidArgument('lease resource: empty id');
}

/**
 * Lease ids are looser than identifiers: clients generate them with base64 characters (`123--aB_`),
 * and `ctr images mount` names its lease after the mount path (`/mnt/x`), spaces allowed, as containerd
 * takes any id. Control characters are refused (the store's key separator is one).
 */
function validateLeaseId(id: string): string {
  if (id.length > 4096 || /[\x00-\x1f\x7f]/.test(id)) throw invalidArgument(`lease ${JSON.stringify(id)}: invalid id`);
  return id;
}

export function isExpired(lease: LeaseRecord, now = Date.now()): boolean {
  const exp = lease.labels[EXPIRE_LABEL];
  if (exp === undefined) return false;
  const t = Date.parse(exp);
  return Number.isFinite(t) && t <= now;
}

export class LeaseStore {
  constructor(
    private readonly db: MetadataDB,
    private readonly namespaces: NamespaceStore,
  ) {}

  create(ctx: Ctx, id: string, labels: Record<string, string>): LeaseRecord {
    const leaseId = id === '' ? `${Date.now()}-${randomBytes(6).toString('hex')}` : validateLeaseId(id);
    const rec: LeaseRecord = { id: leaseId, labels: validateLabels(compactLabels(labels)), createdAt: Date.now() };
    this.db.tx(() => {
      const k = key(ctx.namespace, leaseId);
      if (this.db.t.leases.get(k) !== undefined) throw alreadyExists(`lease ${leaseId}`);
      this.namespaces.ensure(ctx.namespace);
      this.db.t.leases.putSync(k, rec);
    });
    return rec;
  }

  get(ctx: Ctx, id: string): LeaseRecord {
    const rec = this.db.t.leases.get(key(ctx.namespace, id));
    if (!rec) throw notFound(`lease ${id}`);
    return rec;
  }

  list(ctx: Ctx, filters: readonly string[] = []): LeaseRecord[] {
    const f = parseFilters(filters);
    const out: LeaseRecord[] = [];
    for (const { value } of this.db.range(this.db.t.leases, ctx.namespace)) {
      if (f((fp) => (fp[0] === 'id' ? value.id : fp[0] === 'labels' ? labelField(value.labels, fp) : undefined))) out.push(value);
    }
    return out;
  }

  /** Deletes the lease and its resource list (not the resources: GC decides). */
  delete(ctx: Ctx, id: string): void {
    this.db.tx(() => {
      if (!this.db.t.leases.removeSync(key(ctx.namespace, id))) throw notFound(`lease ${JSON.stringify(id)}`);
      for (const k of [...this.db.t.leaseResources.getKeys(prefixRange(ctx.namespace, id))]) this.db.t.leaseResources.removeSync(k);
    });
  }

  addResource(ctx: Ctx, id: string, r: LeaseResource): void {
    validateResource(r);
    this.db.tx(() => {
      this.get(ctx, id);
      this.db.t.leaseResources.putSync(key(ctx.namespace, id, r.type, r.id), 1);
    });
  }

  /** Adds to the lease of the context, if any; call inside the creating transaction. */
  track(ctx: Ctx, r: LeaseResource): void {
    if (!ctx.lease) return;
    if (this.db.t.leases.get(key(ctx.namespace, ctx.lease)) === undefined) throw notFound(`lease ${ctx.lease}`);
    this.db.t.leaseResources.putSync(key(ctx.namespace, ctx.lease, r.type, r.id), 1);
  }

  deleteResource(ctx: Ctx, id: string, r: LeaseResource): void {
    this.db.tx(() => {
      this.get(ctx, id);
      this.db.t.leaseResources.removeSync(key(ctx.namespace, id, r.type, r.id));
    });
  }

  listResources(ctx: Ctx, id: string): LeaseResource[] {
    this.get(ctx, id);
    const out: LeaseResource[] = [];
    for (const k of this.db.t.leaseResources.getKeys(prefixRange(ctx.namespace, id))) {
      const parts = k.split(SEP);
      out.push({ type: parts[2] as string, id: parts.slice(3).join(SEP) });
    }
    return out;
  }
}
