// Registers CRI v1 (runtime.v1 RuntimeService and ImageService) on the daemon's gRPC server.
import type * as grpc from '@grpc/grpc-js';
import { addService } from '@stack/proto';
import { ImageService, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { guarded } from '../services/grpc-context.js';
import type { CriDeps } from './deps.js';
import { imageService } from './image-service.js';
import { runtimeInfo } from './runtime-info.js';
import { sandboxService, Sandboxes, type SandboxDeps } from './sandbox.js';
import { containerService, Containers, type ContainerStoreCri } from './container.js';
import { CriStats, statsService } from './stats.js';
import { unimplemented } from './unimplemented.js';

export function registerCri(server: grpc.Server, deps: CriDeps, sandboxDeps: SandboxDeps, containers: { store: ContainerStoreCri; fifoDir: string }): void {
  addService(server, ImageService, guarded(imageService(deps)));
  const sandboxes = new Sandboxes(deps, sandboxDeps);
  const ctrs = new Containers(deps, sandboxDeps, containers.store, containers.fifoDir);
  sandboxes.attach(ctrs);
  const served = { ...runtimeInfo(deps), ...sandboxService(sandboxes, sandboxDeps.store), ...containerService(ctrs, containers.store), ...statsService(new CriStats(deps, sandboxDeps, containers.store), containers.store, sandboxDeps.store) };
  addService(server, RuntimeService, guarded({ ...served, ...unimplemented(served) }));
}
