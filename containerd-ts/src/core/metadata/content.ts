// The namespaced content store: blobs are shared on disk, but each namespace sees only the blobs it
// has a record for, with its own labels. Writing a blob another namespace already has adopts it
// without a second upload (containerd's "shared" policy).
import type { Readable } from 'node:stream';
import { alreadyExists, failedPrecondition, isAlreadyExists, notFound } from '../errdefs.js';
import { parseDigest, type Digest } from '../digest.js';
import { labelField, parseFilters } from '../filters/filter.js';
import { packEvent } from '../events/any.js';
import type { Publisher } from '../events/exchange.js';
import type { Ctx } from '../namespaces/context.js';
import type { BlobStore, ContentInfo, ContentWriter, IngestStatus } from '../content/content.js';
import { ContentDeleteSchema } from '@stack/proto/gen/containerd/events/content_pb';
import { key, SEP, type MetadataDB } from './db.js';
import { applyLabelPaths, compactLabels, validateLabels } from './labels.js';
import type { LeaseStore } from './leases.js';
import type { NamespaceStore } from './namespaces.js';
import type { ContentRecord } from './records.js';
import { msOfNs, nowNs, nsOf } from '../time/ns-clock.js';

function toInfo(r: ContentRecord): ContentInfo {
  return {
    digest: r.digest as Digest,
    size: r.size,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    createdNs: nsOf(r.createdNs, r.createdAt),
    updatedNs: nsOf(r.updatedNs, r.updatedAt),
    labels: r.labels,
  };
}

export interface NsWriterOptions {
  ref: string;
  total?: number;
  expected?: Digest;
}

/** Calls after content metadata changes that may free something (a GC trigger). */
export type DirtyHook = () => void;

export class ContentStore {
  onDirty: DirtyHook = () => undefined;
  /** Blobs between their move into the blob store and their namespace record: GC must spare them. */
  private readonly committing = new Map<Digest, number>();

  private blobLock: Promise<unknown> = Promise.resolve();

  /**
   * Runs fn while no other holder runs: GC deletes unrecorded blobs under it, and adopting a blob
   * that is on disk but not recorded here takes it too, so one never deletes what the other adopts.
   */
  withBlobLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.blobLock.then(fn, fn);
    this.blobLock = run.catch(() => undefined);
    return run;
  }

  isCommitting(d: Digest): boolean {
    return this.committing.has(d);
  }

  /** Marks a digest as being committed for the duration of fn. */
  async guard<T>(d: Digest | undefined, fn: () => Promise<T>): Promise<T> {
    if (!d) return fn();
    this.committing.set(d, (this.committing.get(d) ?? 0) + 1);
    try {
      return await fn();
    } finally {
      const n = (this.committing.get(d) ?? 1) - 1;
      if (n === 0) this.committing.delete(d);
      else this.committing.set(d, n);
    }
  }

  constructor(
    readonly blobs: BlobStore,
    private readonly db: MetadataDB,
    private readonly namespaces: NamespaceStore,
    private readonly leases: LeaseStore,
    private readonly events: Publisher,
  ) {}

  private record(ctx: Ctx, digest: Digest): ContentRecord {
    const r = this.db.t.content.get(key(ctx.namespace, digest));
    if (!r) throw notFound(`content digest ${digest}`);
    return r;
  }

  info(ctx: Ctx, digest: string): ContentInfo {
    return toInfo(this.record(ctx, parseDigest(digest)));
  }

  has(ctx: Ctx, digest: Digest): boolean {
    return this.db.t.content.get(key(ctx.namespace, digest)) !== undefined;
  }

  list(ctx: Ctx, filters: readonly string[] = []): ContentInfo[] {
    const f = parseFilters(filters);
    const out: ContentInfo[] = [];
    for (const { value } of this.db.range(this.db.t.content, ctx.namespace)) {
      const field = (fp: string[]) => (fp[0] === 'digest' ? value.digest : fp[0] === 'size' ? String(value.size) : fp[0] === 'labels' ? labelField(value.labels, fp) : undefined);
      if (f(field)) out.push(toInfo(value));
    }
    return out;
  }

  update(ctx: Ctx, digest: string, labels: Record<string, string>, paths: readonly string[]): ContentInfo {
    const d = parseDigest(digest);
    const rec = this.db.tx(() => {
      const cur = this.record(ctx, d);
      const { labels: next, rest } = applyLabelPaths(cur.labels, labels, paths.length ? paths : ['labels']);
      if (rest.length) throw failedPrecondition(`content ${d}: cannot update ${rest.join(', ')}`);
      const now = nowNs();
      const updated = { ...cur, labels: next, updatedAt: msOfNs(now), updatedNs: String(now) };
      this.db.t.content.putSync(key(ctx.namespace, d), updated);
      return updated;
    });
    this.onDirty();
    return toInfo(rec);
  }

  delete(ctx: Ctx, digest: string): void {
    const d = parseDigest(digest);
    this.db.tx(() => {
      if (!this.db.t.content.removeSync(key(ctx.namespace, d))) throw notFound(`content digest ${d}`);
    });
    this.events.publish(ctx.namespace, '/content/delete', packEvent(ContentDeleteSchema, { digest: d }));
    this.onDirty();
  }

  reader(ctx: Ctx, digest: string, range?: { start: number; end?: number }): Readable {
    const d = parseDigest(digest);
    this.record(ctx, d);
    return this.blobs.reader(d, range);
  }

  /** Records a blob (already in the blob store) in the namespace, with labels, under the ctx lease. */
  adopt(ctx: Ctx, digest: Digest, size: number, labels: Record<string, string>): ContentInfo {
    const ns = nowNs();
    const at = { updatedAt: msOfNs(ns), updatedNs: String(ns) };
    const rec = this.db.tx(() => {
      const k = key(ctx.namespace, digest);
      const cur = this.db.t.content.get(k);
      const next: ContentRecord = cur
        ? { ...cur, labels: { ...cur.labels, ...compactLabels(labels) }, ...at }
        : { digest, size, labels: validateLabels(compactLabels(labels)), createdAt: at.updatedAt, createdNs: at.updatedNs, ...at };
      this.namespaces.ensure(ctx.namespace);
      this.db.t.content.putSync(k, next);
      this.leases.track(ctx, { type: 'content', id: digest });
      return next;
    });
    return toInfo(rec);
  }

  private backendRef(ctx: Ctx, ref: string): string {
    return `${ctx.namespace}${SEP}${ref}`;
  }

  /**
   * Opens (or resumes) an ingest. When the expected blob exists already, it is adopted into the
   * namespace and AlreadyExists is thrown, so the client skips the upload.
   */
  async writer(ctx: Ctx, options: NsWriterOptions): Promise<NsContentWriter> {
    if (options.expected) {
      if (this.has(ctx, options.expected)) throw alreadyExists(`content ${options.expected}`);
      const expected = options.expected;
      const adopted = await this.withBlobLock(async () => {
        if (!(await this.blobs.exists(expected))) return false;
        const info = await this.blobs.info(expected);
        if (options.total && info.size !== options.total) return false;
        this.adopt(ctx, expected, info.size, {});
        return true;
      });
      if (adopted) throw alreadyExists(`content ${options.expected}`);
    }
    const w = await this.blobs.writer({ ...options, ref: this.backendRef(ctx, options.ref) });
    this.db.tx(() => {
      this.namespaces.ensure(ctx.namespace);
      this.leases.track(ctx, { type: 'ingests', id: options.ref });
    });
    return new NsContentWriter(this, ctx, options.ref, w);
  }

  /** Called by a writer once its data is a blob. */
  committed(ctx: Ctx, digest: Digest, size: number, labels: Record<string, string>): void {
    this.adopt(ctx, digest, size, labels);
  }

  async status(ctx: Ctx, ref: string): Promise<IngestStatus> {
    const st = await this.blobs.status(this.backendRef(ctx, ref));
    return { ...st, ref };
  }

  async listStatuses(ctx: Ctx, filters: readonly string[] = []): Promise<IngestStatus[]> {
    const f = parseFilters(filters);
    const prefix = `${ctx.namespace}${SEP}`;
    const out: IngestStatus[] = [];
    for (const st of await this.blobs.listStatuses()) {
      if (!st.ref.startsWith(prefix)) continue;
      const s = { ...st, ref: st.ref.slice(prefix.length) };
      if (f((fp) => (fp[0] === 'ref' ? s.ref : fp[0] === 'expected' ? s.expected : undefined))) out.push(s);
    }
    return out;
  }

  async abort(ctx: Ctx, ref: string): Promise<void> {
    await this.blobs.abort(this.backendRef(ctx, ref));
  }
}

/** A writer whose commit records the blob in the namespace (and the ctx lease). */
export class NsContentWriter {
  constructor(
    private readonly store: ContentStore,
    private readonly ctx: Ctx,
    readonly ref: string,
    readonly inner: ContentWriter,
  ) {}

  status(): IngestStatus {
    return { ...this.inner.status(), ref: this.ref };
  }

  digest(): Digest {
    return this.inner.digest();
  }

  write(data: Uint8Array): Promise<void> {
    return this.inner.write(data);
  }

  truncate(offset: number): Promise<void> {
    return this.inner.truncate(offset);
  }

  async commit(size: number, expected: Digest | undefined, labels: Record<string, string>): Promise<Digest> {
    validateLabels(labels);
    const expectedDigest = expected ?? this.inner.digest();
    return this.store.guard(expectedDigest, () => this.commitGuarded(size, expected, labels));
  }

  private async commitGuarded(size: number, expected: Digest | undefined, labels: Record<string, string>): Promise<Digest> {
    // The digest of what was written, known before the commit consumes the hash.
    const written = this.inner.digest();
    let digest: Digest;
    try {
      digest = await this.inner.commit(size, expected);
    } catch (err) {
      // Another writer (or namespace) stored the same bytes first: the content exists, as wanted.
      if (isAlreadyExists(err)) {
        const d = expected ?? written;
        const info = await this.store.blobs.info(d);
        this.store.committed(this.ctx, d, info.size, labels);
      }
      throw err;
    }
    this.store.committed(this.ctx, digest, this.inner.status().offset, labels);
    return digest;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
