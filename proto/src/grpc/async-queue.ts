// A push-driven AsyncIterable: lets a caller feed a streaming request one message at a time
// (send, then wait for the answer, then send again), as content Write or attach need.
export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiters: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (err: unknown) => void }> = [];
  private ended = false;
  private failure: unknown = undefined;
  private failed = false;

  /**
   * Adds an item; after end() or fail() it is dropped (returns false): a producer racing a consumer
   * that went away (a cancelled stream) must not fail, and there is nobody left to read it.
   */
  push(item: T): boolean {
    if (this.ended) return false;
    const w = this.waiters.shift();
    if (w) w.resolve({ value: item, done: false });
    else this.items.push(item);
    return true;
  }

  /** Ends the queue; a consumer still gets the items pushed before. Ending twice is harmless. */
  end(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }

  /** Ends the queue with an error: a consumer waiting right now gets it too, not a normal end. */
  fail(err: unknown): void {
    if (this.ended) return; // already ended (normally or not): the first end wins
    this.failure = err;
    this.failed = true;
    this.ended = true;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get size(): number {
    return this.items.length;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
        if (this.failed) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
