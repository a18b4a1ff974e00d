// A snapshotter backend owns the directories behind snapshots and says how to mount them; the
// namespaced snapshot store (core/metadata/snapshots.ts) owns keys, parents, kinds and labels.
import type { SnapshotKind } from '../metadata/records.js';

export interface Mount {
  type: string;
  source: string;
  target?: string;
  options: string[];
}

export interface Usage {
  size: number;
  inodes: number;
}

export interface SnapshotterBackend {
  readonly name: string;
  /** Makes the storage for a new snapshot under a temporary name; `publish` moves it into place. */
  stage(): Promise<{ staged: string; publish(id: string): void; discard(): void }>;
  /** Where a snapshot's files are (the directory a layer is applied to). */
  dir(id: string): string;
  /** Mounts for a snapshot: `parents` are the ids of its ancestors, nearest first. */
  mounts(kind: SnapshotKind, id: string, parents: string[]): Mount[];
  usage(id: string): Promise<Usage>;
  remove(id: string): Promise<void>;
  /** Ids of every snapshot directory on disk. */
  list(): Promise<string[]>;
  /** Paths of staged or half-removed directories a crash left behind (only safe to delete at start-up). */
  leftovers(): Promise<string[]>;
}
