// Clients attached to a container that is not running yet (docker run attaches, then starts): their
// streams open when the task exists and before its process runs, so they miss no output.
import type { Containerd } from '../containerd/client.js';
import { TaskAttach, type AttachOpen } from './task-attach.js';

export type AttachWanted = Omit<AttachOpen, 'containerId' | 'execId'>;

interface Pending {
  open: AttachWanted;
  resolve(a: TaskAttach): void;
  reject(err: unknown): void;
}

export class PendingAttaches {
  private readonly byId = new Map<string, Set<Pending>>();

  wait(id: string, open: AttachWanted, signal: AbortSignal): Promise<TaskAttach> {
    return new Promise((resolve, reject) => {
      const p: Pending = { open, resolve, reject };
      const set = this.byId.get(id) ?? new Set();
      set.add(p);
      this.byId.set(id, set);
      signal.addEventListener('abort', () => {
        set.delete(p);
        reject(new Error('client went away'));
      });
    });
  }

  /** After Tasks.Create, before Tasks.Start. */
  async handOver(c: Containerd, id: string): Promise<void> {
    const set = this.byId.get(id);
    if (!set) return;
    this.byId.delete(id);
    for (const p of set) {
      try {
        p.resolve(await TaskAttach.open(c, { containerId: id, execId: '', ...p.open }));
      } catch (err) {
        p.reject(err);
      }
    }
  }

  fail(id: string, err: unknown): void {
    const set = this.byId.get(id);
    this.byId.delete(id);
    for (const p of set ?? []) p.reject(err);
  }
}
