// A client of containerd-ts (or containerd) for ctr-ts and, later, the engine: one connection, one
// typed client per service (created on first use, so a command loads only the descriptors it
// needs), the namespace sent as the containerd-namespace header on every call.
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { Client, MethodsOf } from '@stack/proto';
import { NAMESPACE_HEADER } from '../core/namespaces/context.js';

export const DEFAULT_ADDRESS = '/run/containerd-ts/containerd-ts.sock';

type VersionSvc = typeof import('@stack/proto/gen/containerd/services/version/v1/version_pb').Version;
type NamespacesSvc = typeof import('@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb').Namespaces;
type ContentSvc = typeof import('@stack/proto/gen/containerd/services/content/v1/content_pb').Content;
type ImagesSvc = typeof import('@stack/proto/gen/containerd/services/images/v1/images_pb').Images;
type SnapshotsSvc = typeof import('@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb').Snapshots;
type ContainersSvc = typeof import('@stack/proto/gen/containerd/services/containers/v1/containers_pb').Containers;
type LeasesSvc = typeof import('@stack/proto/gen/containerd/services/leases/v1/leases_pb').Leases;
type EventsSvc = typeof import('@stack/proto/gen/containerd/services/events/v1/events_pb').Events;
type IntrospectionSvc = typeof import('@stack/proto/gen/containerd/services/introspection/v1/introspection_pb').Introspection;
type DiffSvc = typeof import('@stack/proto/gen/containerd/services/diff/v1/diff_pb').Diff;
type TransferSvc = typeof import('@stack/proto/gen/stack/services/transfer/v1/transfer_pb').Transfer;
type TasksSvc = typeof import('@stack/proto/gen/containerd/services/tasks/v1/tasks_pb').Tasks;
type TaskStreamsSvc = typeof import('@stack/proto/gen/stack/tasks/v1/streams_pb').TaskStreams;

export interface StackClient {
  readonly namespace: string;
  readonly version: Client<MethodsOf<VersionSvc>>;
  readonly namespaces: Client<MethodsOf<NamespacesSvc>>;
  readonly content: Client<MethodsOf<ContentSvc>>;
  readonly images: Client<MethodsOf<ImagesSvc>>;
  readonly snapshots: Client<MethodsOf<SnapshotsSvc>>;
  readonly containers: Client<MethodsOf<ContainersSvc>>;
  readonly leases: Client<MethodsOf<LeasesSvc>>;
  readonly events: Client<MethodsOf<EventsSvc>>;
  readonly introspection: Client<MethodsOf<IntrospectionSvc>>;
  readonly diff: Client<MethodsOf<DiffSvc>>;
  readonly transfer: Client<MethodsOf<TransferSvc>>;
  readonly tasks: Client<MethodsOf<TasksSvc>>;
  /** Attach to a task's stdio (ours, on the daemon's socket). */
  readonly taskStreams: Client<MethodsOf<TaskStreamsSvc>>;
  close(): void;
}

/** Makes a typed client for a service; the metadata goes with every call. */
export type ClientFactory = <M extends GenServiceMethods>(service: GenService<M>, metadata: Record<string, string>) => Client<M>;

export function stackClient(namespace: string, factory: ClientFactory, close: () => void): StackClient {
  const md = { [NAMESPACE_HEADER]: namespace };
  const cache = new Map<string, unknown>();
  const lazy = <M extends GenServiceMethods>(name: string, load: () => GenService<M>): Client<M> => {
    let c = cache.get(name) as Client<M> | undefined;
    if (!c) {
      c = factory(load(), md);
      cache.set(name, c);
    }
    return c;
  };
  return {
    namespace,
    get version() {
      return lazy('version', () => (require('@stack/proto/gen/containerd/services/version/v1/version_pb') as { Version: VersionSvc }).Version);
    },
    get namespaces() {
      return lazy('namespaces', () => (require('@stack/proto/gen/containerd/services/namespaces/v1/namespace_pb') as { Namespaces: NamespacesSvc }).Namespaces);
    },
    get content() {
      return lazy('content', () => (require('@stack/proto/gen/containerd/services/content/v1/content_pb') as { Content: ContentSvc }).Content);
    },
    get images() {
      return lazy('images', () => (require('@stack/proto/gen/containerd/services/images/v1/images_pb') as { Images: ImagesSvc }).Images);
    },
    get snapshots() {
      return lazy('snapshots', () => (require('@stack/proto/gen/containerd/services/snapshots/v1/snapshots_pb') as { Snapshots: SnapshotsSvc }).Snapshots);
    },
    get containers() {
      return lazy('containers', () => (require('@stack/proto/gen/containerd/services/containers/v1/containers_pb') as { Containers: ContainersSvc }).Containers);
    },
    get leases() {
      return lazy('leases', () => (require('@stack/proto/gen/containerd/services/leases/v1/leases_pb') as { Leases: LeasesSvc }).Leases);
    },
    get events() {
      return lazy('events', () => (require('@stack/proto/gen/containerd/services/events/v1/events_pb') as { Events: EventsSvc }).Events);
    },
    get introspection() {
      return lazy('introspection', () => (require('@stack/proto/gen/containerd/services/introspection/v1/introspection_pb') as { Introspection: IntrospectionSvc }).Introspection);
    },
    get diff() {
      return lazy('diff', () => (require('@stack/proto/gen/containerd/services/diff/v1/diff_pb') as { Diff: DiffSvc }).Diff);
    },
    get transfer() {
      return lazy('transfer', () => (require('@stack/proto/gen/stack/services/transfer/v1/transfer_pb') as { Transfer: TransferSvc }).Transfer);
    },
    get tasks() {
      return lazy('tasks', () => (require('@stack/proto/gen/containerd/services/tasks/v1/tasks_pb') as { Tasks: TasksSvc }).Tasks);
    },
    get taskStreams() {
      return lazy('taskStreams', () => (require('@stack/proto/gen/stack/tasks/v1/streams_pb') as { TaskStreams: TaskStreamsSvc }).TaskStreams);
    },
    close,
  };
}

/** A client over @grpc/grpc-js, for long-running processes (the engine). */
export function connectStack(address: string, namespace: string): StackClient {
  const proto = require('@stack/proto') as typeof import('@stack/proto');
  const channel = proto.connect(address);
  return stackClient(namespace, (service, metadata) => proto.createClient(service, channel, { metadata }), () => channel.close());
}

/** A client over node:http2 that starts fast, for command-line tools. */
export function connectStackLight(address: string, namespace: string): StackClient {
  const { LightChannel, createLightClient } = require('./light-channel.js') as typeof import('./light-channel.js');
  const channel = new LightChannel(address);
  return stackClient(namespace, (service, metadata) => createLightClient(service, channel, metadata), () => channel.close());
}
