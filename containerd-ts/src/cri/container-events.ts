// GetContainerEvents: container and pod sandbox lifecycle events (created, started, stopped,
// deleted) fanned out to every open stream. A stream ends when its client cancels or goes away;
// a client that falls too far behind is ended with an error rather than holding memory.
import { Code, GrpcError } from '@stack/proto';
import { ContainerEventType } from '@stack/proto/gen/runtime/v1/api_pb';

/** Events a subscriber may hold unread before it is dropped. */
const MAX_BACKLOG = 1024;

export type CriEventKind = 'created' | 'started' | 'stopped' | 'deleted';

export const EVENT_TYPE: Record<CriEventKind, ContainerEventType> = {
  created: ContainerEventType.CONTAINER_CREATED_EVENT,
  started: ContainerEventType.CONTAINER_STARTED_EVENT,
  stopped: ContainerEventType.CONTAINER_STOPPED_EVENT,
  deleted: ContainerEventType.CONTAINER_DELETED_EVENT,
};

interface Subscriber<T> {
  queue: T[];
  wake: (() => void) | undefined;
  dropped: boolean;
}

export class Broadcaster<T> {
  private readonly subscribers = new Set<Subscriber<T>>();

  publish(e: T): void {
    for (const s of this.subscribers) {
      if (s.queue.length >= MAX_BACKLOG) s.dropped = true;
      else s.queue.push(e);
      s.wake?.();
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Yields events published from now on until the signal aborts. */
  subscribe(signal: AbortSignal): AsyncIterable<T> {
    const sub: Subscriber<T> = { queue: [], wake: undefined, dropped: false };
    this.subscribers.add(sub);
    const subscribers = this.subscribers;
    // Also when the stream is cancelled before its first read (the generator's finally never runs then).
    const onAbort = () => {
      subscribers.delete(sub);
      sub.wake?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    return (async function* () {
      try {
        while (!signal.aborted) {
          const e = sub.queue.shift();
          if (e !== undefined) {
            yield e;
            continue;
          }
          if (sub.dropped) throw new GrpcError(Code.RESOURCE_EXHAUSTED, `GetContainerEvents: the client fell more than ${MAX_BACKLOG} events behind`);
          await new Promise<void>((resolve) => {
            sub.wake = resolve;
          });
          sub.wake = undefined;
        }
      } finally {
        signal.removeEventListener('abort', onAbort);
        subscribers.delete(sub);
      }
    })();
  }
}
