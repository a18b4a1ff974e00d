// Waits for each running task's exit through containerd-ts (Tasks.Wait), riding out containerd-ts
// restarts; a task that is gone altogether (a host restart) counts as an exit with status 255.
import { Code, isGrpcCode } from '@stack/proto';
import type { Containerd } from '../containerd/client.js';

export type ExitHandler = (id: string, status: number, exitedAt: Date) => Promise<void>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ExitMonitor {
  private readonly watching = new Map<string, number>();
  private generation = 0;
  private closed = false;

  constructor(
    private readonly c: Containerd,
    private readonly onExit: ExitHandler,
  ) {}

  /** Watches the container's current task; a later watch of the same container replaces it. */
  watch(id: string): void {
    const gen = ++this.generation;
    this.watching.set(id, gen);
    const current = () => !this.closed && this.watching.get(id) === gen;
    void (async () => {
      let backoff = 100;
      while (current()) {
        try {
          const r = await this.c.tasks.wait({ containerId: id, execId: '' });
          if (current()) await this.exit(id, r.exitStatus, r.exitedAt ? new Date(Number(r.exitedAt.seconds) * 1000 + r.exitedAt.nanos / 1e6) : new Date());
          return;
        } catch (err) {
          if (!current()) return;
          if (isGrpcCode(err, Code.NOT_FOUND)) {
            await this.exit(id, 255, new Date());
            return;
          }
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 2000);
        }
      }
    })();
  }

  private exit(id: string, status: number, at: Date): Promise<void> {
    this.watching.delete(id);
    return this.onExit(id, status, at);
  }

  forget(id: string): void {
    this.watching.delete(id);
  }

  close(): void {
    this.closed = true;
  }
}
