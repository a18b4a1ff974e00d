// containerd.services.leases.v1.Leases.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Leases } from '@stack/proto/gen/containerd/services/leases/v1/leases_pb';
import type { LeaseRecord } from '../core/metadata/records.js';
import type { LeaseStore } from '../core/metadata/leases.js';
import type { GarbageCollector } from '../core/gc/collector.js';
import { ctxOf, guarded, ts } from './grpc-context.js';

function leaseMsg(l: LeaseRecord) {
  return { id: l.id, createdAt: ts(l.createdAt), labels: l.labels };
}

export function registerLeases(server: grpc.Server, store: LeaseStore, gc: GarbageCollector): void {
  const resource = (r: { id: string; type: string } | undefined) => {
    if (!r) throw new GrpcError(Code.INVALID_ARGUMENT, 'resource must be set');
    return { id: r.id, type: r.type };
  };
  addService(
    server,
    Leases,
    guarded({
      create(req, call) {
        return { lease: leaseMsg(store.create(ctxOf(call), req.id, req.labels)) };
      },
      async delete(req, call) {
        store.delete(ctxOf(call), req.id);
        if (req.sync) await gc.collect();
        else gc.schedule();
        return {};
      },
      list(req, call) {
        return { leases: store.list(ctxOf(call), req.filters).map(leaseMsg) };
      },
      addResource(req, call) {
        store.addResource(ctxOf(call), req.id, resource(req.resource));
        return {};
      },
      deleteResource(req, call) {
        store.deleteResource(ctxOf(call), req.id, resource(req.resource));
        gc.schedule();
        return {};
      },
      listResources(req, call) {
        return { resources: store.listResources(ctxOf(call), req.id) };
      },
    }),
  );
}
