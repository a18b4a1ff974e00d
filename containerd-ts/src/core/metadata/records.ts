// What the metadata database stores, per namespace. Times are milliseconds since the epoch.
export interface DescriptorRecord {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

/** A protobuf Any as stored bytes. */
export interface AnyRecord {
  typeUrl: string;
  value: Uint8Array;
}

export interface NamespaceRecord {
  name: string;
  labels: Record<string, string>;
  createdAt: number;
}

export interface ImageRecord {
  name: string;
  labels: Record<string, string>;
  target: DescriptorRecord;
  createdAt: number;
  updatedAt: number;
}

export interface ContainerRecord {
  id: string;
  labels: Record<string, string>;
  image: string;
  runtime: { name: string; options?: AnyRecord };
  spec?: AnyRecord;
  snapshotter: string;
  snapshotKey: string;
  createdAt: number;
  updatedAt: number;
  extensions: Record<string, AnyRecord>;
  sandbox: string;
}

export interface LeaseRecord {
  id: string;
  labels: Record<string, string>;
  createdAt: number;
}

export interface ContentRecord {
  digest: string;
  size: number;
  labels: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** The same instants in ns (decimal strings); absent in records written before they were kept. */
  createdNs?: string;
  updatedNs?: string;
}

export type SnapshotKind = 'view' | 'active' | 'committed';

export interface SnapshotRecord {
  key: string;
  kind: SnapshotKind;
  /** The parent's key in the same namespace and snapshotter; '' for none. */
  parent: string;
  labels: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** The snapshotter's own storage id (a directory name). */
  id: string;
  /** Disk usage, measured at commit. */
  size: number;
  inodes: number;
}
