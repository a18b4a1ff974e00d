// containerd.services.containers.v1.Containers.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { Containers, type Container, type ContainerSchema } from '@stack/proto/gen/containerd/services/containers/v1/containers_pb';
import type { AnyRecord, ContainerRecord } from '../core/metadata/records.js';
import type { ContainerInput, ContainerStore } from '../core/metadata/containers.js';
import type { GarbageCollector } from '../core/gc/collector.js';
import { anyFromMsg, ctxOf, guarded, paths, ts } from './grpc-context.js';

export function containerMsg(c: ContainerRecord): MessageInitShape<typeof ContainerSchema> {
  const runtime: { name: string; options?: AnyRecord } = { name: c.runtime.name };
  if (c.runtime.options) runtime.options = c.runtime.options;
  const msg: MessageInitShape<typeof ContainerSchema> = {
    id: c.id,
    labels: c.labels,
    image: c.image,
    runtime,
    snapshotter: c.snapshotter,
    snapshotKey: c.snapshotKey,
    createdAt: ts(c.createdAt),
    updatedAt: ts(c.updatedAt),
    extensions: c.extensions,
    sandbox: c.sandbox,
  };
  if (c.spec) msg.spec = c.spec;
  return msg;
}

function input(c: Container | undefined): ContainerInput {
  if (!c) throw new GrpcError(Code.INVALID_ARGUMENT, 'container must be set');
  const extensions: Record<string, AnyRecord> = {};
  for (const [k, v] of Object.entries(c.extensions)) extensions[k] = { typeUrl: v.typeUrl, value: v.value };
  const runtime: ContainerInput['runtime'] = { name: c.runtime?.name ?? '' };
  const options = anyFromMsg(c.runtime?.options);
  if (options) runtime.options = options;
  const out: ContainerInput = { id: c.id, labels: { ...c.labels }, image: c.image, runtime, snapshotter: c.snapshotter, snapshotKey: c.snapshotKey, extensions, sandbox: c.sandbox };
  const spec = anyFromMsg(c.spec);
  if (spec) out.spec = spec;
  return out;
}

export function registerContainers(server: grpc.Server, store: ContainerStore, gc: GarbageCollector): void {
  addService(
    server,
    Containers,
    guarded({
      get(req, call) {
        return { container: containerMsg(store.get(ctxOf(call), req.id)) };
      },
      list(req, call) {
        return { containers: store.list(ctxOf(call), req.filters).map(containerMsg) };
      },
      async *listStream(req, call) {
        for (const c of store.list(ctxOf(call), req.filters)) yield { container: containerMsg(c) };
      },
      create(req, call) {
        return { container: containerMsg(store.create(ctxOf(call), input(req.container))) };
      },
      update(req, call) {
        return { container: containerMsg(store.update(ctxOf(call), input(req.container), paths(req.updateMask))) };
      },
      delete(req, call) {
        store.delete(ctxOf(call), req.id);
        gc.schedule();
        return {};
      },
    }),
  );
}
