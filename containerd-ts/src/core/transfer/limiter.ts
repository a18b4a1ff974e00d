// Runs at most n tasks at a time (concurrent blob downloads and uploads).
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly n: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiting task, so a task arriving meanwhile cannot
      // take it too (n + 1 at once).
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
