// A client of containerd-ts (or containerd) for ctr-ts and, later, the engine: one channel, one typed
// client per service, the namespace sent as the containerd-namespace header on every call.
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { Version } from '@stack/proto/gen/containerd/services/version/v1/version_pb';
import { Namespaces } from '@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb';
import { Content } from '@stack/proto/gen/containerd/services/content/v1/content_pb';
import { Images } from '@stack/proto/gen/containerd/services/images/v1/images_pb';
import { Snapshots } from '@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb';
import { Containers } from '@stack/proto/gen/containerd/services/containers/v1/containers_pb';
import { Leases } from '@stack/proto/gen/containerd/services/leases/v1/leases_pb';
import { Events } from '@stack/proto/gen/containerd/services/events/v1/events_pb';
import { Introspection } from '@stack/proto/gen/containerd/services/introspection/v1/introspection_pb';
import { Diff } from '@stack/proto/gen/containerd/services/diff/v1/diff_pb';
import { Transfer } from '@stack/proto/gen/stack/services/transfer/v1/transfer_pb';
import { NAMESPACE_HEADER } from '../core/namespaces/context.js';

export const DEFAULT_ADDRESS = '/run/containerd-ts/containerd-ts.sock';

export interface StackClient {
  channel: grpc.Client;
  namespace: string;
  version: Client<MethodsOf<typeof Version>>;
  namespaces: Client<MethodsOf<typeof Namespaces>>;
  content: Client<MethodsOf<typeof Content>>;
  images: Client<MethodsOf<typeof Images>>;
  snapshots: Client<MethodsOf<typeof Snapshots>>;
  containers: Client<MethodsOf<typeof Containers>>;
  leases: Client<MethodsOf<typeof Leases>>;
  events: Client<MethodsOf<typeof Events>>;
  introspection: Client<MethodsOf<typeof Introspection>>;
  diff: Client<MethodsOf<typeof Diff>>;
  transfer: Client<MethodsOf<typeof Transfer>>;
  close(): void;
}

export function connectStack(address: string, namespace: string): StackClient {
  const channel = connect(address);
  const opts = { metadata: { [NAMESPACE_HEADER]: namespace } };
  return {
    channel,
    namespace,
    version: createClient(Version, channel, opts),
    namespaces: createClient(Namespaces, channel, opts),
    content: createClient(Content, channel, opts),
    images: createClient(Images, channel, opts),
    snapshots: createClient(Snapshots, channel, opts),
    containers: createClient(Containers, channel, opts),
    leases: createClient(Leases, channel, opts),
    events: createClient(Events, channel, opts),
    introspection: createClient(Introspection, channel, opts),
    diff: createClient(Diff, channel, opts),
    transfer: createClient(Transfer, channel, opts),
    close: () => channel.close(),
  };
}
