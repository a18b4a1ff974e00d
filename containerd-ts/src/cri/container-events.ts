// GetContainerEvents: container and pod sandbox lifecycle events (created, started, stopped,
// deleted) fanned out to every open stream (core/events/broadcaster.ts). A stream ends when its
// client cancels or goes away; a client that falls too far behind is ended with an error.
import { Code, GrpcError } from '@stack/proto';
import { ContainerEventType } from '@stack/proto/gen/runtime/v1/api_pb';
import { Broadcaster } from '../core/events/broadcaster.js';

/** Events a subscriber may hold unread before it is dropped. */
const MAX_BACKLOG = 1024;

export type CriEventKind = 'created' | 'started' | 'stopped' | 'deleted';

export const EVENT_TYPE: Record<CriEventKind, ContainerEventType> = {
  created: ContainerEventType.CONTAINER_CREATED_EVENT,
  started: ContainerEventType.CONTAINER_STARTED_EVENT,
  stopped: ContainerEventType.CONTAINER_STOPPED_EVENT,
  deleted: ContainerEventType.CONTAINER_DELETED_EVENT,
};

/** The broadcaster behind GetContainerEvents. */
export function criEventBroadcaster<T>(): Broadcaster<T> {
  return new Broadcaster<T>(MAX_BACKLOG, () => new GrpcError(Code.RESOURCE_EXHAUSTED, `GetContainerEvents: the client fell more than ${MAX_BACKLOG} events behind`));
}
