// The content store's vocabulary: committed blobs and in-progress ingests named by a ref.
import type { Readable } from 'node:stream';
import type { Digest } from '../digest.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ContentInfo extends BlobInfo {
  labels: Record<string, string>;
  /** createdAt and updatedAt with their nanoseconds. */
  createdNs: bigint;
  updatedNs: bigint;
}

export interface IngestStatus {
  ref: string;
  offset: number;
  /** Expected total size; 0 when unknown. */
  total: number;
  expected: string;
  startedAt: Date;
  updatedAt: Date;
  /** startedAt and updatedAt with their nanoseconds. */
  startedNs: bigint;
  updatedNs: bigint;
}

export interface WriterOptions {
  ref: string;
  total?: number;
  expected?: Digest;
}

/** One open ingest. Only one writer per ref exists at a time. */
export interface ContentWriter {
  readonly ref: string;
  status(): IngestStatus;
  /** The digest of the bytes written so far. */
  digest(): Digest;
  /** Appends at the current offset (resuming an interrupted ingest continues where it stopped). */
  write(data: Uint8Array): Promise<void>;
  /** Drops written data past `offset`; only 0 and the current offset are supported. */
  truncate(offset: number): Promise<void>;
  setTotal(total: number): void;
  setExpected(expected: Digest): void;
  /** Verifies size and digest, then moves the data into the blob store. Closes the writer. */
  commit(size: number, expected?: Digest): Promise<Digest>;
  /** Releases the ingest's lock and keeps its data for a later resume. */
  close(): Promise<void>;
}

/** Blob storage without namespaces or labels (the metadata layer adds those). */
export interface BlobStore {
  info(digest: Digest): Promise<BlobInfo>;
  exists(digest: Digest): Promise<boolean>;
  /** Path of a committed blob, for readers that stream it themselves. */
  blobPath(digest: Digest): string;
  reader(digest: Digest, range?: { start: number; end?: number }): Readable;
  writer(options: WriterOptions): Promise<ContentWriter>;
  status(ref: string): Promise<IngestStatus>;
  listStatuses(): Promise<IngestStatus[]>;
  abort(ref: string): Promise<void>;
  delete(digest: Digest): Promise<void>;
  /** Deletes a blob at once; false when it was not there. */
  deleteSync(digest: Digest): boolean;
  walk(): AsyncIterable<Digest>;
}
