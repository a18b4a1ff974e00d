// Pending restarts: one timer per container, delayed by its back-off.
import { Backoff } from './restart-policy.js';

export class RestartScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoffs = new Map<string, Backoff>();

  schedule(id: string, ranForMs: number, restart: () => void): void {
    const b = this.backoffs.get(id) ?? new Backoff();
    this.backoffs.set(id, b);
    this.cancel(id);
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        restart();
      }, b.next(ranForMs)),
    );
  }

  cancel(id: string): boolean {
    const t = this.timers.get(id);
    if (!t) return false;
    clearTimeout(t);
    this.timers.delete(id);
    return true;
  }

  forget(id: string): void {
    this.cancel(id);
    this.backoffs.delete(id);
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
