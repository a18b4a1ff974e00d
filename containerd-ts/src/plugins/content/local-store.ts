// Blobs at `blobs/sha256/<hex>`; ingests at `ingest/<sha256(ref)>/` with their data and a small JSON
// state file. Commit verifies size and digest, fsyncs and renames into place, so a blob either is
// complete and correct or absent, whatever kills the daemon.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { alreadyExists, failedPrecondition, invalidArgument, notFound, StackError } from '../../core/errdefs.js';
import { msOfNs, nowNs, nsOf } from '../../core/time/ns-clock.js';
import { digestHex, digestOfHash, isDigest, newDigester, type Digest } from '../../core/digest.js';
import type { BlobInfo, BlobStore, ContentWriter, IngestStatus, WriterOptions } from '../../core/content/content.js';

interface IngestState {
  ref: string;
  startedAt: string;
  /** startedAt in ns (decimal); absent in ingests begun before it was kept. */
  startedNs?: string;
  total: number;
  expected: string;
}

function isENOENT(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class LocalBlobStore implements BlobStore {
  /** The live writer of each ref: one at a time, and an abort detaches it. */
  private readonly locks = new Map<string, LocalWriter | null>();
  private readonly blobsDir: string;
  private readonly ingestDir: string;

  constructor(readonly root: string) {
    this.blobsDir = path.join(root, 'blobs', 'sha256');
    this.ingestDir = path.join(root, 'ingest');
    fs.mkdirSync(this.blobsDir, { recursive: true, mode: 0o755 });
    fs.mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
  }

  blobPath(digest: Digest): string {
    return path.join(this.blobsDir, digestHex(digest));
  }

  private ingestPath(ref: string): string {
    return path.join(this.ingestDir, createHash('sha256').update(ref).digest('hex'));
  }

  async info(digest: Digest): Promise<BlobInfo> {
    try {
      const st = await fsp.stat(this.blobPath(digest));
      return { digest, size: st.size, createdAt: st.birthtime.getTime() ? st.birthtime : st.ctime, updatedAt: st.mtime };
    } catch (err) {
      if (isENOENT(err)) throw notFound(`content ${digest}`);
      throw err;
    }
  }

  async exists(digest: Digest): Promise<boolean> {
    try {
      await fsp.access(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  reader(digest: Digest, range?: { start: number; end?: number }): fs.ReadStream {
    const opts: { start?: number; end?: number; highWaterMark: number } = { highWaterMark: 1024 * 1024 };
    if (range) {
      opts.start = range.start;
      if (range.end !== undefined) opts.end = range.end;
    }
    return fs.createReadStream(this.blobPath(digest), opts);
  }

  async writer(options: WriterOptions): Promise<ContentWriter> {
    if (options.ref === '') throw invalidArgument('an ingest needs a ref');
    if (this.locks.has(options.ref)) throw new StackError('unavailable', `ref ${options.ref} is locked by another writer`);
    if (options.expected && (await this.exists(options.expected))) throw alreadyExists(`content ${options.expected}`);
    this.locks.set(options.ref, null);
    try {
      const w = await this.openIngest(options);
      this.locks.set(options.ref, w);
      return w;
    } catch (err) {
      this.locks.delete(options.ref);
      throw err;
    }
  }

  private async openIngest(options: WriterOptions): Promise<LocalWriter> {
    const dir = this.ingestPath(options.ref);
    const statePath = path.join(dir, 'state.json');
    const dataPath = path.join(dir, 'data');
    let state: IngestState;
    const hash = newDigester();
    let offset = 0;
    try {
      state = JSON.parse(await fsp.readFile(statePath, 'utf8')) as IngestState;
      // Resume: recompute the digest of what is already there.
      for await (const chunk of fs.createReadStream(dataPath, { highWaterMark: 1024 * 1024 })) {
        hash.update(chunk as Buffer);
        offset += (chunk as Buffer).length;
      }
    } catch (err) {
      if (!isENOENT(err) && !(err instanceof SyntaxError)) throw err;
      await fsp.rm(dir, { recursive: true, force: true });
      await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
      const now = nowNs();
      state = { ref: options.ref, startedAt: new Date(msOfNs(now)).toISOString(), startedNs: String(now), total: 0, expected: '' };
      await fsp.writeFile(dataPath, '');
    }
    if (options.total) state.total = options.total;
    if (options.expected) state.expected = options.expected;
    await this.saveState(statePath, state);
    const fd = await fsp.open(dataPath, 'r+');
    return new LocalWriter(this, options.ref, dir, fd, state, hash, offset);
  }

  async saveState(statePath: string, state: IngestState): Promise<void> {
    const tmp = statePath + '.tmp';
    await fsp.writeFile(tmp, JSON.stringify(state));
    await fsp.rename(tmp, statePath);
  }

  /** Frees the ref held by this writer. */
  release(ref: string, writer: LocalWriter): void {
    if (this.locks.get(ref) === writer) this.locks.delete(ref);
  }

  /** Moves verified ingest data into the blob store. */
  async publish(dataPath: string, digest: Digest, ingestDir: string): Promise<void> {
    const target = this.blobPath(digest);
    if (await this.exists(digest)) {
      await fsp.rm(ingestDir, { recursive: true, force: true });
      throw alreadyExists(`content ${digest}`);
    }
    await fsp.chmod(dataPath, 0o444);
    await fsp.rename(dataPath, target);
    await fsp.rm(ingestDir, { recursive: true, force: true });
  }

  async status(ref: string): Promise<IngestStatus> {
    const dir = this.ingestPath(ref);
    try {
      const state = JSON.parse(await fsp.readFile(path.join(dir, 'state.json'), 'utf8')) as IngestState;
      const st = await fsp.stat(path.join(dir, 'data'), { bigint: true });
      const startedNs = nsOf(state.startedNs, Date.parse(state.startedAt));
      return { ref: state.ref, offset: Number(st.size), total: state.total, expected: state.expected, startedAt: new Date(msOfNs(startedNs)), updatedAt: new Date(msOfNs(st.mtimeNs)), startedNs, updatedNs: st.mtimeNs };
    } catch (err) {
      if (isENOENT(err) || err instanceof SyntaxError) throw notFound(`ingest ${ref}`);
      throw err;
    }
  }

  async listStatuses(): Promise<IngestStatus[]> {
    const out: IngestStatus[] = [];
    for (const name of await fsp.readdir(this.ingestDir)) {
      try {
        const state = JSON.parse(await fsp.readFile(path.join(this.ingestDir, name, 'state.json'), 'utf8')) as IngestState;
        out.push(await this.status(state.ref));
      } catch {
        // an ingest being created or removed right now
      }
    }
    return out;
  }

  /**
   * Removes an ingest. As in containerd, a writer still open on it does not block the abort: it is
   * detached (it can no longer commit or remove anything) and holds the ref until it closes.
   */
  async abort(ref: string): Promise<void> {
    const dir = this.ingestPath(ref);
    try {
      await fsp.access(dir);
    } catch {
      throw notFound(`ingest ${ref}`);
    }
    const writer = this.locks.get(ref);
    if (writer === null) throw new StackError('unavailable', `ref ${ref} is locked by another writer`);
    writer?.detach();
    await fsp.rm(dir, { recursive: true, force: true });
  }

  async delete(digest: Digest): Promise<void> {
    try {
      await fsp.unlink(this.blobPath(digest));
    } catch (err) {
      if (isENOENT(err)) throw notFound(`content ${digest}`);
      throw err;
    }
  }

  deleteSync(digest: Digest): boolean {
    try {
      fs.unlinkSync(this.blobPath(digest));
      return true;
    } catch (err) {
      if (isENOENT(err)) return false;
      throw err;
    }
  }

  async *walk(): AsyncIterable<Digest> {
    for (const name of await fsp.readdir(this.blobsDir)) {
      const d = `sha256:${name}`;
      if (isDigest(d)) yield d;
    }
  }
}

class LocalWriter implements ContentWriter {
  private closed = false;
  private aborted = false;
  private updatedNs = nowNs();

  constructor(
    private readonly store: LocalBlobStore,
    readonly ref: string,
    private readonly dir: string,
    private readonly fd: fsp.FileHandle,
    private readonly state: IngestState,
    private hash: ReturnType<typeof newDigester>,
    private offset: number,
  ) {}

  status(): IngestStatus {
    const startedNs = nsOf(this.state.startedNs, Date.parse(this.state.startedAt));
    return {
      ref: this.ref,
      offset: this.offset,
      total: this.state.total,
      expected: this.state.expected,
      startedAt: new Date(msOfNs(startedNs)),
      updatedAt: new Date(msOfNs(this.updatedNs)),
      startedNs,
      updatedNs: this.updatedNs,
    };
  }

  /** The ingest was aborted under this writer: its data is gone and the ref belongs to no one. */
  detach(): void {
    this.aborted = true;
  }

  digest(): Digest {
    return digestOfHash(this.hash.copy());
  }

  private check(): void {
    if (this.closed) throw failedPrecondition(`ingest ${this.ref} is closed`);
  }

  async write(data: Uint8Array): Promise<void> {
    this.check();
    if (data.length === 0) return;
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.fd.write(data, off, data.length - off, this.offset + off);
      off += bytesWritten;
    }
    this.hash.update(data);
    this.offset += data.length;
    this.updatedNs = nowNs();
    if (this.state.total > 0 && this.offset > this.state.total) {
      throw invalidArgument(`ingest ${this.ref}: wrote ${this.offset} bytes, more than the expected ${this.state.total}`);
    }
  }

  async truncate(offset: number): Promise<void> {
    this.check();
    if (offset === this.offset) return;
    if (offset !== 0) throw new StackError('out-of-range', `ingest ${this.ref}: cannot resume at ${offset}, have ${this.offset}`);
    await this.fd.truncate(0);
    this.hash = newDigester();
    this.offset = 0;
  }

  setTotal(total: number): void {
    if (total > 0 && total !== this.state.total) {
      this.state.total = total;
      void this.store.saveState(path.join(this.dir, 'state.json'), this.state).catch(() => undefined);
    }
  }

  setExpected(expected: Digest): void {
    this.state.expected = expected;
  }

  async commit(size: number, expected?: Digest): Promise<Digest> {
    this.check();
    if (this.aborted) {
      await this.close();
      throw notFound(`ingest ${this.ref}`);
    }
    const want = expected ?? (isDigest(this.state.expected) ? this.state.expected : undefined);
    const total = size > 0 ? size : this.state.total;
    try {
      if (total > 0 && this.offset !== total) {
        throw failedPrecondition(`ingest ${this.ref}: unexpected commit size ${this.offset}, expected ${total}`);
      }
      const got = digestOfHash(this.hash);
      if (want && got !== want) throw failedPrecondition(`ingest ${this.ref}: unexpected commit digest ${got}, expected ${want}`);
      await this.fd.sync();
      await this.fd.close();
      this.closed = true;
      await this.store.publish(path.join(this.dir, 'data'), got, this.dir);
      return got;
    } finally {
      if (!this.closed) {
        // A failed verification leaves data that can never commit: drop it so a retry starts over.
        this.closed = true;
        await this.fd.close().catch(() => undefined);
        if (!this.aborted) await fsp.rm(this.dir, { recursive: true, force: true });
      }
      this.store.release(this.ref, this);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fd.close();
    this.store.release(this.ref, this);
  }
}
