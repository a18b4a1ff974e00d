// The engine's only way to containerd-ts: its gRPC services on one shared channel, every call in the
// engine's own containerd namespace (dockerd uses "moby").
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { Containers } from '@stack/proto/gen/containerd/services/containers/v1/containers_pb';
import { Content } from '@stack/proto/gen/containerd/services/content/v1/content_pb';
import { Diff } from '@stack/proto/gen/containerd/services/diff/v1/diff_pb';
import { Events } from '@stack/proto/gen/containerd/services/events/v1/events_pb';
import { Images } from '@stack/proto/gen/containerd/services/images/v1/images_pb';
import { Leases } from '@stack/proto/gen/containerd/services/leases/v1/leases_pb';
import { Namespaces } from '@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb';
import { Snapshots } from '@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb';
import { Tasks } from '@stack/proto/gen/containerd/services/tasks/v1/tasks_pb';
import { Version } from '@stack/proto/gen/containerd/services/version/v1/version_pb';
import { Transfer } from '@stack/proto/gen/stack/services/transfer/v1/transfer_pb';
import { TaskStreams } from '@stack/proto/gen/stack/tasks/v1/streams_pb';

export const SNAPSHOTTER = 'overlayfs';
export const RUNTIME_NAME = 'io.containerd.runc.v2';

export interface Containerd {
  namespace: string;
  address: string;
  channel: grpc.Client;
  containers: Client<MethodsOf<typeof Containers>>;
  content: Client<MethodsOf<typeof Content>>;
  diff: Client<MethodsOf<typeof Diff>>;
  events: Client<MethodsOf<typeof Events>>;
  images: Client<MethodsOf<typeof Images>>;
  leases: Client<MethodsOf<typeof Leases>>;
  namespaces: Client<MethodsOf<typeof Namespaces>>;
  snapshots: Client<MethodsOf<typeof Snapshots>>;
  tasks: Client<MethodsOf<typeof Tasks>>;
  version: Client<MethodsOf<typeof Version>>;
  transfer: Client<MethodsOf<typeof Transfer>>;
  streams: Client<MethodsOf<typeof TaskStreams>>;
  close(): void;
}

export function connectContainerd(address: string, namespace: string): Containerd {
  const channel = connect(address, { 'grpc.keepalive_time_ms': 0 });
  const o = { metadata: { 'containerd-namespace': namespace } };
  return {
    namespace,
    address,
    channel,
    containers: createClient(Containers, channel, o),
    content: createClient(Content, channel, o),
    diff: createClient(Diff, channel, o),
    events: createClient(Events, channel, o),
    images: createClient(Images, channel, o),
    leases: createClient(Leases, channel, o),
    namespaces: createClient(Namespaces, channel, o),
    snapshots: createClient(Snapshots, channel, o),
    tasks: createClient(Tasks, channel, o),
    version: createClient(Version, channel, o),
    transfer: createClient(Transfer, channel, o),
    streams: createClient(TaskStreams, channel, o),
    close: () => channel.close(),
  };
}
