// A Syscalls double that records every call and performs none (youki's test double): rootfs and
// privilege logic can then be checked without root. fdPath answers with the path that was opened.
import type { Syscalls } from '../../src/syscalls/syscalls.js';

export interface Call {
  name: string;
  args: unknown[];
}

export class RecordingSyscalls {
  readonly calls: Call[] = [];
  private nextFd = 100;
  private readonly paths = new Map<number, string>();
  /** Makes fdPath report another path for an opened one (to simulate a swapped symlink). */
  redirect = new Map<string, string>();
  statfs = 0;

  readonly sys: Syscalls;

  constructor() {
    const rec = (name: string) => (...args: unknown[]) => {
      this.calls.push({ name, args });
      return 0;
    };
    const handler: ProxyHandler<object> = {
      get: (_t, prop: string) => {
        switch (prop) {
          case 'open':
            return (p: string, ...rest: unknown[]) => {
              this.calls.push({ name: 'open', args: [p, ...rest] });
              const fd = this.nextFd++;
              this.paths.set(fd, this.redirect.get(p) ?? p);
              return fd;
            };
          case 'fdPath':
            return (fd: number) => this.paths.get(fd) ?? '';
          case 'statfsFlags':
            return () => this.statfs;
          case 'fork':
            return () => 0;
          default:
            return rec(prop);
        }
      },
    };
    this.sys = new Proxy({}, handler) as Syscalls;
  }

  named(name: string): unknown[][] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args);
  }
}
