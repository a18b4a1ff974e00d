// containerd.services.snapshots.v1.Snapshots over the namespaced snapshot stores.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Kind, Snapshots } from '@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb';
import type { SnapshotKind, SnapshotRecord } from '../core/metadata/records.js';
import type { SnapshotStore } from '../core/metadata/snapshots.js';
import type { Mount } from '../core/snapshots/snapshotter.js';
import type { GarbageCollector } from '../core/gc/collector.js';
import { ctxOf, guarded, paths, ts } from './grpc-context.js';

const KIND: Record<SnapshotKind, Kind> = { view: Kind.VIEW, active: Kind.ACTIVE, committed: Kind.COMMITTED };
const LIST_BATCH = 100;

function infoMsg(r: SnapshotRecord) {
  return { name: r.key, parent: r.parent, kind: KIND[r.kind], createdAt: ts(r.createdAt), updatedAt: ts(r.updatedAt), labels: r.labels };
}

export function mountMsg(m: Mount) {
  return { type: m.type, source: m.source, target: m.target ?? '', options: m.options };
}

export function registerSnapshots(server: grpc.Server, stores: Map<string, SnapshotStore>, gc: GarbageCollector): void {
  const store = (name: string): SnapshotStore => {
    const s = stores.get(name);
    if (!s) throw new GrpcError(Code.INVALID_ARGUMENT, `snapshotter ${JSON.stringify(name)} is not loaded`);
    return s;
  };
  addService(
    server,
    Snapshots,
    guarded({
      async prepare(req, call) {
        return { mounts: (await store(req.snapshotter).prepare(ctxOf(call), req.key, req.parent, req.labels)).map(mountMsg) };
      },
      async view(req, call) {
        return { mounts: (await store(req.snapshotter).view(ctxOf(call), req.key, req.parent, req.labels)).map(mountMsg) };
      },
      mounts(req, call) {
        return { mounts: store(req.snapshotter).mounts(ctxOf(call), req.key).map(mountMsg) };
      },
      async commit(req, call) {
        await store(req.snapshotter).commit(ctxOf(call), req.name, req.key, req.labels);
        return {};
      },
      async remove(req, call) {
        await store(req.snapshotter).remove(ctxOf(call), req.key);
        gc.schedule();
        return {};
      },
      stat(req, call) {
        return { info: infoMsg(store(req.snapshotter).stat(ctxOf(call), req.key)) };
      },
      update(req, call) {
        if (!req.info) throw new GrpcError(Code.INVALID_ARGUMENT, 'update needs info');
        return { info: infoMsg(store(req.snapshotter).update(ctxOf(call), req.info.name, req.info.labels, paths(req.updateMask))) };
      },
      async *list(req, call) {
        const all = store(req.snapshotter).list(ctxOf(call), req.filters);
        for (let i = 0; i < all.length; i += LIST_BATCH) yield { info: all.slice(i, i + LIST_BATCH).map(infoMsg) };
      },
      async usage(req, call) {
        const u = await store(req.snapshotter).usage(ctxOf(call), req.key);
        return { size: BigInt(u.size), inodes: BigInt(u.inodes) };
      },
      async cleanup(req, call) {
        ctxOf(call);
        await store(req.snapshotter).cleanup(false);
        return {};
      },
    }),
  );
}
