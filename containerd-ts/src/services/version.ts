// containerd.services.version.v1.Version.
import type * as grpc from '@grpc/grpc-js';
import { addService } from '@stack/proto';
import { Version } from '@stack/proto/gen/containerd/services/version/v1/version_pb';

import { REVISION, VERSION } from '../version.js';

export function registerVersion(server: grpc.Server): void {
  addService(server, Version, {
    version: () => ({ version: VERSION, revision: REVISION }),
  });
}
