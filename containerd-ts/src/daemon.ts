// Starting and stopping the daemon: plugins in dependency order, recovery from an unclean stop,
// then the gRPC server on its unix socket.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { createServer, listenUnix, shutdown } from '@stack/proto';
import type { Config } from './core/config/config.js';
import type { Logger } from './core/log/logger.js';
import { PluginRegistry } from './core/plugin/registry.js';
import { errorMessage } from './core/errdefs.js';
import type { GarbageCollector } from './core/gc/collector.js';
import { TRANSFER_LEASE_LABEL } from './core/transfer/transfer-lease.js';
import { registerBuiltins, T, type GrpcPlugin } from './plugins/builtin.js';
import { acquirePidLock } from './core/config/pid-lock.js';
import type { Metadata } from './plugins/metadata/metadata.js';

const STALE_INGEST_MS = 24 * 3600 * 1000;

export interface Daemon {
  readonly address: string;
  readonly registry: PluginRegistry;
  stop(): Promise<void>;
}

/** The server's identity, kept across restarts (written temp-then-rename). */
function serverUuid(root: string): string {
  const file = path.join(root, 'uuid');
  try {
    const v = fs.readFileSync(file, 'utf8').trim();
    if (v) return v;
  } catch {
    // first start
  }
  const v = randomUUID();
  fs.writeFileSync(file + '.tmp', v);
  fs.renameSync(file + '.tmp', file);
  return v;
}

/**
 * Undoes what a killed daemon left mid-way: leases of transfers that died with it and snapshot
 * directories never recorded. This runs before the socket opens (a snapshot being prepared by a
 * request must never be taken for a stray directory); the collection that then removes the dead
 * transfers' half-unpacked snapshots and partial content runs once serving, as containerd's
 * scheduler does after its start-up delay: it can take seconds on a big store, and requests
 * during it are safe (collections run one at a time against committed records).
 */
async function recover(md: Metadata, gc: GarbageCollector, log: Logger): Promise<void> {
  let leases = 0;
  for (const ns of md.namespaces.list()) {
    for (const l of md.leases.list({ namespace: ns.name })) {
      if (l.labels[TRANSFER_LEASE_LABEL] === undefined) continue;
      md.leases.delete({ namespace: ns.name }, l.id);
      leases++;
    }
  }
  let dirs = 0;
  for (const s of md.snapshotters.values()) dirs += await s.cleanup(true);
  // Interrupted downloads stay resumable for a day; older ones are abandoned.
  let ingests = 0;
  for (const st of await md.content.blobs.listStatuses()) {
    if (Date.now() - st.updatedAt.getTime() < STALE_INGEST_MS) continue;
    await md.content.blobs.abort(st.ref).catch(() => undefined);
    ingests++;
  }
  if (leases || dirs) log.info('recovered from an unclean stop', { transferLeases: leases, snapshotDirs: dirs });
  if (ingests) log.info('removed stale ingests', { ingests });
  gc.schedule();
}

export async function startDaemon(config: Config, log: Logger): Promise<Daemon> {
  fs.mkdirSync(config.root, { recursive: true, mode: 0o711 });
  fs.mkdirSync(config.state, { recursive: true, mode: 0o711 });
  const unlock = acquirePidLock(path.join(config.root, 'containerd-ts.pid'));
  try {
    return await serve(config, log, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function serve(config: Config, log: Logger, unlock: () => void): Promise<Daemon> {
  const uuid = serverUuid(config.root);
  const registry = new PluginRegistry(log);
  registerBuiltins(registry, config, uuid);
  await registry.initAll(new Set(config.disabledPlugins));
  const md = registry.get<Metadata>(T.metadata);
  const gc = registry.get<GarbageCollector>(T.gc);
  await recover(md, gc, log);
  const server: grpc.Server = createServer();
  for (const [id, p] of registry.getAll<GrpcPlugin>(T.grpc)) {
    try {
      p.register(server);
    } catch (err) {
      log.error('service failed to register', { service: id, error: errorMessage(err) });
    }
  }
  await listenUnix(server, config.address);
  log.info('containerd-ts serving', { address: config.address, root: config.root, state: config.state, pid: process.pid });
  let stopped = false;
  return {
    address: config.address,
    registry,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const [, p] of registry.getAll<GrpcPlugin>(T.grpc)) p.shutdown?.();
      await shutdown(server, 2000);
      try {
        await registry.get<{ close(): Promise<void> }>(T.runtime).close();
      } catch {
        // no task runtime loaded
      }
      gc.stop();
      await md.db.close();
      try {
        fs.unlinkSync(config.address);
      } catch {
        // already gone
      }
      unlock();
      log.info('containerd-ts stopped');
    },
  };
}
