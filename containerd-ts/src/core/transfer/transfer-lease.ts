// Every transfer runs under its own lease so GC keeps what it has fetched so far. The lease is marked
// as the daemon's own: one left by a daemon that died mid-transfer is deleted at the next start-up,
// and GC then removes the partial work (half-unpacked snapshots first of all).
import { errorMessage } from '../errdefs.js';
import type { Logger } from '../log/logger.js';
import type { Ctx } from '../namespaces/context.js';
import type { LeaseStore } from '../metadata/leases.js';
import type { GarbageCollector } from '../gc/collector.js';

export const TRANSFER_LEASE_LABEL = 'stack.io/transfer';

export async function withTransferLease<T>(deps: { leases: LeaseStore; gc: GarbageCollector; log: Logger }, ctx: Ctx, what: string, fn: (lctx: Ctx) => Promise<T>): Promise<T> {
  const expire = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
  const lease = deps.leases.create(ctx, '', { [TRANSFER_LEASE_LABEL]: what, 'containerd.io/gc.expire': expire });
  let failed = false;
  try {
    return await fn({ namespace: ctx.namespace, lease: lease.id });
  } catch (err) {
    failed = true;
    deps.log.info('transfer failed', { what, error: errorMessage(err) });
    throw err;
  } finally {
    try {
      deps.leases.delete(ctx, lease.id);
    } catch (err) {
      deps.log.warn('could not delete transfer lease', { lease: lease.id, error: errorMessage(err) });
    }
    // After a failure, collect now so the store is as it was before the transfer.
    if (failed) await deps.gc.collect().catch(() => undefined);
    else deps.gc.schedule();
  }
}
