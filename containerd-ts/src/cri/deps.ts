// What the CRI services use of the daemon: its core stores and pull code, in process (as containerd's
// CRI plugin uses containerd's own services).
import type { GarbageCollector } from '../core/gc/collector.js';
import type { TransferDeps } from '../core/transfer/pull.js';
import type { CriConfig } from './config.js';
import type { CriImageView } from './images.js';

export interface CriDeps {
  config: CriConfig;
  transfer: TransferDeps;
  gc: GarbageCollector;
  images: CriImageView;
  /** The snapshotter's root: the filesystem ImageFsInfo reports on. */
  imageFsDir: string;
}

/** Now in Unix nanoseconds, CRI's timestamp unit. */
export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
