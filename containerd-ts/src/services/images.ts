// containerd.services.images.v1.Images.
import type * as grpc from '@grpc/grpc-js';
import { addService, Code, GrpcError } from '@stack/proto';
import { Images, type Image } from '@stack/proto/gen/containerd/services/images/v1/images_pb';
import type { ImageRecord } from '../core/metadata/records.js';
import type { ImageStore } from '../core/metadata/images.js';
import type { GarbageCollector } from '../core/gc/collector.js';
import { ctxOf, descriptorFromMsg, descriptorToMsg, guarded, paths, ts } from './grpc-context.js';

export function imageMsg(r: ImageRecord) {
  return { name: r.name, labels: r.labels, target: descriptorToMsg(r.target), createdAt: ts(r.createdAt), updatedAt: ts(r.updatedAt) };
}

function input(img: Image | undefined) {
  if (!img) throw new GrpcError(Code.INVALID_ARGUMENT, 'image must be set');
  return { name: img.name, labels: { ...img.labels }, target: descriptorFromMsg(img.target) };
}

export function registerImages(server: grpc.Server, store: ImageStore, gc: GarbageCollector): void {
  addService(
    server,
    Images,
    guarded({
      get(req, call) {
        return { image: imageMsg(store.get(ctxOf(call), req.name)) };
      },
      list(req, call) {
        return { images: store.list(ctxOf(call), req.filters).map(imageMsg) };
      },
      create(req, call) {
        return { image: imageMsg(store.create(ctxOf(call), input(req.image))) };
      },
      update(req, call) {
        return { image: imageMsg(store.update(ctxOf(call), input(req.image), paths(req.updateMask))) };
      },
      async delete(req, call) {
        store.delete(ctxOf(call), req.name);
        if (req.sync) await gc.collect();
        else gc.schedule();
        return {};
      },
    }),
  );
}
