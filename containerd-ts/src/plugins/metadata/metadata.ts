// The metadata plugin: opens the LMDB database and builds the namespaced stores over the content
// and snapshotter backends.
import * as path from 'node:path';
import type { BlobStore } from '../../core/content/content.js';
import type { Publisher } from '../../core/events/exchange.js';
import { MetadataDB } from '../../core/metadata/db.js';
import { NamespaceStore } from '../../core/metadata/namespaces.js';
import { ImageStore } from '../../core/metadata/images.js';
import { ContainerStore } from '../../core/metadata/containers.js';
import { LeaseStore } from '../../core/metadata/leases.js';
import { ContentStore } from '../../core/metadata/content.js';
import { SnapshotStore } from '../../core/metadata/snapshots.js';
import type { SnapshotterBackend } from '../../core/snapshots/snapshotter.js';

export interface Metadata {
  db: MetadataDB;
  namespaces: NamespaceStore;
  images: ImageStore;
  containers: ContainerStore;
  leases: LeaseStore;
  content: ContentStore;
  snapshotters: Map<string, SnapshotStore>;
}

export function openMetadata(root: string, blobs: BlobStore, backends: Iterable<SnapshotterBackend>, events: Publisher): Metadata {
  const db = new MetadataDB(path.join(root, 'meta.lmdb'));
  const namespaces = new NamespaceStore(db, events);
  const leases = new LeaseStore(db, namespaces);
  const snapshotters = new Map<string, SnapshotStore>();
  for (const b of backends) snapshotters.set(b.name, new SnapshotStore(b, db, namespaces, leases, events));
  return {
    db,
    namespaces,
    images: new ImageStore(db, namespaces, events),
    containers: new ContainerStore(db, namespaces, events),
    leases,
    content: new ContentStore(blobs, db, namespaces, leases, events),
    snapshotters,
  };
}
