// Who is waiting for what on a container: the next exit (wait, stop) or its removal (wait
// condition=removed, run --rm). Waiters register synchronously, so a wait sent before a start never
// misses the exit.
export type WaitCondition = 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

export class Waiters {
  private readonly byId = new Map<string, Array<{ cond: WaitCondition; resolve: (r: WaitResult) => void }>>();

  /**
   * Resolves at the condition. An aborted signal (the client left, a timeout) withdraws the waiter,
   * whose promise then never settles: nothing waits on it any more, and nothing is kept for it.
   */
  add(id: string, cond: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      if (signal?.aborted) return;
      const w = { cond, resolve };
      const list = this.byId.get(id) ?? [];
      list.push(w);
      this.byId.set(id, list);
      signal?.addEventListener('abort', () => this.withdraw(id, w), { once: true });
    });
  }

  /** How many waiters a container has (for tests and leak checks). */
  count(id: string): number {
    return this.byId.get(id)?.length ?? 0;
  }

  private withdraw(id: string, w: { cond: WaitCondition; resolve: (r: WaitResult) => void }): void {
    const list = this.byId.get(id);
    if (!list) return;
    const keep = list.filter((x) => x !== w);
    if (keep.length) this.byId.set(id, keep);
    else this.byId.delete(id);
  }

  notify(id: string, cond: WaitCondition, result: WaitResult): void {
    const list = this.byId.get(id);
    if (!list) return;
    const keep = list.filter((w) => {
      if (w.cond !== cond) return true;
      w.resolve(result);
      return false;
    });
    if (keep.length) this.byId.set(id, keep);
    else this.byId.delete(id);
  }

  /** Resolves within ms with true if the next exit came, false otherwise. */
  async exitWithin(id: string, ms: number): Promise<boolean> {
    if (ms < 0) {
      await this.add(id, 'next-exit');
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new AbortController();
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const r = await Promise.race([this.add(id, 'next-exit', gaveUp.signal).then(() => true as const), timeout]);
    clearTimeout(timer);
    gaveUp.abort();
    return r;
  }
}
