// As a child subreaper the shim inherits the orphans of its containers (a container without a pid
// namespace, the processes killed when a container's init dies). It reaps those zombies itself —
// but only pids it does not track, and never a child Node spawned (libuv reaps those), so it never
// steals an exit status, as waitpid(-1) would.
import * as fs from 'node:fs';
import { linuxSyscalls as sys } from '@stack/runc-ts';

const WNOHANG = 1;

export class OrphanReaper {
  private timer: NodeJS.Timeout | undefined;
  /** While > 0 a runtime call is starting a process whose pid we do not know yet: do not reap. */
  private busy = 0;

  constructor(
    /** pids the shim watches itself (inits, execs) and pids of children Node spawned. */
    private readonly owned: () => Set<number>,
  ) {}

  start(intervalMs = 2000): void {
    process.on('SIGCHLD', this.onChild);
    this.timer = setInterval(() => this.reap(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    process.off('SIGCHLD', this.onChild);
    if (this.timer) clearInterval(this.timer);
  }

  /** Wraps a runtime call that creates processes. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.busy--;
    }
  }

  private readonly onChild = () => setImmediate(() => this.reap());

  reap(): number {
    if (this.busy) return 0;
    const self = process.pid;
    const owned = this.owned();
    let reaped = 0;
    for (const name of fs.readdirSync('/proc')) {
      if (name.charCodeAt(0) > 57) continue; // not a pid
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue;
      }
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' || Number(rest[1]) !== self) continue;
      const pid = Number(name);
      if (owned.has(pid)) continue;
      try {
        sys.waitpid(pid, WNOHANG);
        reaped++;
      } catch {
        // reaped meanwhile
      }
    }
    return reaped;
  }
}
