// Options every operation shares (runc's global flags), gathered once by the CLI or the shim.
import { linux } from '../syscalls/linux.js';
import type { Syscalls } from '../syscalls/syscalls.js';
import { DEFAULT_ROOT, StateStore } from '../state/state-store.js';
import { createLogger, type Logger } from './logger.js';

export interface Runtime {
  store: StateStore;
  log: Logger;
  sys: Syscalls;
}

export function runtime(opts: { root?: string; log?: Logger; sys?: Syscalls } = {}): Runtime {
  return { store: new StateStore(opts.root ?? DEFAULT_ROOT), log: opts.log ?? createLogger(), sys: opts.sys ?? linux };
}
