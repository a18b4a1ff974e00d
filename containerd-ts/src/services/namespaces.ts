// containerd.services.namespaces.v1.Namespaces. Not itself namespaced: names come in the request.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Namespaces } from '@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb';
import { labelField, parseFilters } from '../core/filters/filter.js';
import type { NamespaceStore } from '../core/metadata/namespaces.js';
import { guarded, paths } from './grpc-context.js';

export function registerNamespaces(server: grpc.Server, store: NamespaceStore): void {
  addService(
    server,
    Namespaces,
    guarded({
      get(req) {
        const n = store.get(req.name);
        return { namespace: { name: n.name, labels: n.labels } };
      },
      list(req) {
        const f = parseFilters(req.filter ? [req.filter] : []);
        const all = store.list().filter((n) => f((fp) => (fp[0] === 'name' ? n.name : fp[0] === 'labels' ? labelField(n.labels, fp) : undefined)));
        return { namespaces: all.map((n) => ({ name: n.name, labels: n.labels })) };
      },
      create(req) {
        if (!req.namespace) throw new GrpcError(Code.INVALID_ARGUMENT, 'namespace must be set');
        const n = store.create(req.namespace.name, req.namespace.labels);
        return { namespace: { name: n.name, labels: n.labels } };
      },
      update(req) {
        if (!req.namespace) throw new GrpcError(Code.INVALID_ARGUMENT, 'namespace must be set');
        const n = store.update(req.namespace.name, req.namespace.labels, paths(req.updateMask));
        return { namespace: { name: n.name, labels: n.labels } };
      },
      delete(req) {
        store.delete(req.name);
        return {};
      },
    }),
  );
}
