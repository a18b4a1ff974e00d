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

  add(id: string, cond: WaitCondition): Promise<WaitResult> {
    return new Promise((resolve) => {
      const list = this.byId.get(id) ?? [];
      list.push({ cond, resolve });
      this.byId.set(id, list);
    });
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
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const r = await Promise.race([this.add(id, 'next-exit').then(() => true as const), timeout]);
    clearTimeout(timer);
    return r;
  }
}
