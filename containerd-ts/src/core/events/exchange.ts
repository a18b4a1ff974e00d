// The event exchange: services publish envelopes (namespace, topic, event as an Any), subscribers
// receive those their filters select. Subscribers that fall far behind are dropped rather than let
// a slow client grow the daemon's memory without bound.
import { parseFilters } from '../filters/filter.js';
import { Broadcaster } from './broadcaster.js';
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
  private readonly fanOut = new Broadcaster<Envelope>(MAX_BACKLOG, () => new Error('event subscriber fell too far behind and was dropped'));

  publish(namespace: string, topic: string, event: AnyRecord): void {
    this.forward({ timestamp: new Date(), namespace, topic, event });
  }

  forward(e: Envelope): void {
    this.fanOut.publish(e);
  }

  /** Streams matching envelopes until the signal aborts. Throws on a bad filter before yielding. */
  subscribe(filters: readonly string[], signal: AbortSignal): AsyncIterable<Envelope> {
    const filter = parseFilters(filters);
    return this.fanOut.subscribe(signal, (e) => filter((fp) => envelopeField(e, fp)));
  }

  get subscriberCount(): number {
    return this.fanOut.subscriberCount;
  }
}
