// Registers CRI v1 (runtime.v1 RuntimeService and ImageService) on the daemon's gRPC server.
import type * as grpc from '@grpc/grpc-js';
import { addService } from '@stack/proto';
import { ContainerEventResponseSchema, ImageService, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { guarded } from '../services/grpc-context.js';
import type { CriDeps } from './deps.js';
import { imageService } from './image-service.js';
import { runtimeInfo } from './runtime-info.js';
import { sandboxService, Sandboxes, type SandboxDeps } from './sandbox.js';
import { containerService, Containers, statusOf, type ContainerStoreCri } from './container.js';
import { criEventBroadcaster, EVENT_TYPE, type CriEventKind } from './container-events.js';
import { nowNanos } from './deps.js';
import { errorMessage } from '../core/errdefs.js';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { CriStats, statsService } from './stats.js';
import { unimplemented } from './unimplemented.js';
import { StreamingServer } from './streaming/server.js';
import { streamingService } from './streaming/service.js';

/** Registers the services; the returned function stops the streaming server (daemon shutdown). */
export function registerCri(server: grpc.Server, deps: CriDeps, sandboxDeps: SandboxDeps, containers: { store: ContainerStoreCri; fifoDir: string }): () => void {
  addService(server, ImageService, guarded(imageService(deps)));
  const sandboxes = new Sandboxes(deps, sandboxDeps);
  const ctrs = new Containers(deps, sandboxDeps, containers.store, containers.fifoDir);
  sandboxes.attach(ctrs);
  const streaming = new StreamingServer(deps.config.streamServerAddress, deps.config.streamServerPort);
  const events = criEventBroadcaster<MessageInitShape<typeof ContainerEventResponseSchema>>();
  const emit = (containerId: string, sandboxId: string, kind: CriEventKind) => {
    if (events.subscriberCount === 0) return;
    const sb = sandboxDeps.store.find(sandboxId);
    events.publish({
      containerId,
      containerEventType: EVENT_TYPE[kind],
      createdAt: nowNanos(),
      ...(sb ? { podSandboxStatus: sandboxes.status(sb, false).status } : {}),
      containersStatuses: containers.store.list().filter((c) => c.sandboxId === sandboxId).map(statusOf),
    });
  };
  ctrs.emit = emit;
  void ctrs.recover().catch((err: unknown) => sandboxDeps.log.error('cri: recovering containers after a restart failed', { error: errorMessage(err) }));
  sandboxes.emit = (id, kind) => emit(id, id, kind);
  const served = {
    ...runtimeInfo(deps),
    ...sandboxService(sandboxes, sandboxDeps.store),
    ...containerService(ctrs, containers.store),
    ...statsService(new CriStats(deps, sandboxDeps, containers.store), containers.store, sandboxDeps.store),
    async *getContainerEvents(_req: unknown, call: { signal: AbortSignal }) {
      yield* events.subscribe(call.signal);
    },
    ...streamingService(streaming, sandboxDeps, containers.store, containers.fifoDir, ctrs),
  };
  addService(server, RuntimeService, guarded({ ...served, ...unimplemented(served) }));
  return () => void streaming.close();
}
