// The event exchange: services publish envelopes (namespace, topic, event as an Any), subscribers
// receive those their filters select. Subscribers that fall far behind are dropped rather than let
// a slow client grow the daemon's memory without bound.
import { parseFilters, type Filter } from '../filters/filter.js';
import type { AnyRecord } from '../metadata/records.js';

export interface Envelope {
  timestamp: Date;
  namespace: string;
  topic: string;
  event: AnyRecord;
}

/** What core code publishes through: a typed event becomes an Any with containerd's type URL. */
export interface Publisher {
  publish(namespace: string, topic: string, event: AnyRecord): void;
}

const MAX_BACKLOG = 10_000;

const TOPIC = /^(\/[A-Za-z0-9_\-.]+)+$/;

export function validateTopic(topic: string): boolean {
  return TOPIC.test(topic);
}

interface Subscriber {
  filter: Filter;
  queue: Envelope[];
  wake: (() => void) | undefined;
  dropped: boolean;
}

function envelopeField(e: Envelope, fieldpath: string[]): string | undefined {
  switch (fieldpath[0]) {
    case 'namespace':
      return e.namespace;
    case 'topic':
      return e.topic;
    case 'event':
      // Event payload fields are opaque bytes here; only their type can be selected.
      return fieldpath.length === 1 ? e.event.typeUrl : undefined;
    default:
      return undefined;
  }
}

export class Exchange implements Publisher {
  private readonly subscribers = new Set<Subscriber>();

  publish(namespace: string, topic: string, event: AnyRecord): void {
    this.forward({ timestamp: new Date(), namespace, topic, event });
  }

  forward(e: Envelope): void {
    for (const s of this.subscribers) {
      if (!s.filter((fp) => envelopeField(e, fp))) continue;
      if (s.queue.length >= MAX_BACKLOG) {
        s.dropped = true;
        s.wake?.();
        continue;
      }
      s.queue.push(e);
      s.wake?.();
    }
  }

  /** Streams matching envelopes until the signal aborts. Throws on a bad filter before yielding. */
  subscribe(filters: readonly string[], signal: AbortSignal): AsyncIterable<Envelope> {
    const sub: Subscriber = { filter: parseFilters(filters), queue: [], wake: undefined, dropped: false };
    this.subscribers.add(sub);
    const subscribers = this.subscribers;
    const onAbort = () => sub.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    return (async function* () {
      try {
        while (!signal.aborted) {
          const e = sub.queue.shift();
          if (e) {
            yield e;
            continue;
          }
          if (sub.dropped) throw new Error('event subscriber fell too far behind and was dropped');
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

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
