// containerd.services.version.v1.Version.
import type * as grpc from '@grpc/grpc-js';
import { addService } from '@stack/proto';
import { Version } from '@stack/proto/gen/containerd/services/version/v1/version_pb';

export const VERSION = '1.6.20+ts.0.1.0';
export const REVISION = 'containerd-ts';

export function registerVersion(server: grpc.Server): void {
  addService(server, Version, {
    version: () => ({ version: VERSION, revision: REVISION }),
  });
}
