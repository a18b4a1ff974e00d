// Fan-out of published values to subscribers, each an async iterable with its own queue: a
// subscriber that falls too far behind is ended with an error rather than let a slow client grow
// the daemon's memory, and one whose signal aborts is forgotten at once, even if it never read.
interface Subscriber<T> {
  accept: ((e: T) => boolean) | undefined;
  queue: T[];
  wake: (() => void) | undefined;
  dropped: boolean;
}

export class Broadcaster<T> {
  private readonly subscribers = new Set<Subscriber<T>>();

  /** `dropped` is thrown to a subscriber left more than `maxBacklog` events behind. */
  constructor(
    private readonly maxBacklog: number,
    private readonly dropped: () => Error,
  ) {}

  publish(e: T): void {
    for (const s of this.subscribers) {
      if (s.accept && !s.accept(e)) continue;
      if (s.queue.length >= this.maxBacklog) s.dropped = true;
      else s.queue.push(e);
      s.wake?.();
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Yields the events `accept` takes (all by default) published from now on, until the signal aborts. */
  subscribe(signal: AbortSignal, accept?: (e: T) => boolean): AsyncIterable<T> {
    if (signal.aborted) return (async function* () {})();
    const sub: Subscriber<T> = { accept, queue: [], wake: undefined, dropped: false };
    const dropped = this.dropped;
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
          if (sub.dropped) throw dropped();
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
