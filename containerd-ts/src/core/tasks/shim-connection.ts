// A live connection to one shim: its task API and its streams (attach, events), over one channel.
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { Task } from '@stack/proto/gen/containerd/runtime/task/v2/shim_pb';
import { TaskStreams } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { NAMESPACE_HEADER } from '../namespaces/context.js';

export class ShimConnection {
  private readonly channel: grpc.Client;
  readonly task: Client<MethodsOf<typeof Task>>;
  readonly streams: Client<MethodsOf<typeof TaskStreams>>;

  constructor(
    readonly group: string,
    readonly socket: string,
    namespace: string,
  ) {
    this.channel = connect(socket);
    const metadata = { [NAMESPACE_HEADER]: namespace };
    this.task = createClient(Task, this.channel, { metadata });
    this.streams = createClient(TaskStreams, this.channel, { metadata });
  }

  close(): void {
    this.channel.close();
  }
}
