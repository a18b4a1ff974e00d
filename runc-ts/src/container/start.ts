// `start`: releases an init blocked on the exec FIFO, so it execs the user's process.
import * as fs from 'node:fs';
import { refusal } from '../state/status.js';
import { currentStatus } from './container-status.js';
import { runHooks } from './hooks.js';
import { isAlive } from './proc-info.js';
import type { Runtime } from './runtime.js';


export function startContainer(rt: Runtime, id: string): void {
  const state = rt.store.load(id);
  const why = refusal('start', currentStatus(rt.store, state));
  if (why) throw new Error(why);
  const fifo = rt.store.execFifo(id);
  // Non-blocking: a blocking open would hang forever if the init died meanwhile.
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    // Our open released the init's; it answers "0" (or "E" and why its startContainer hooks failed).
    // Until then the read says EAGAIN.
    const buf = Buffer.alloc(4096);
    const cell = new Int32Array(new SharedArrayBuffer(4));
    for (let wait = 0; ; wait = Math.min(wait + 1, 20)) {
      try {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n > 0) {
          if (buf[0] === 0x45 /* E */) throw new Error(`cannot start container: ${buf.subarray(1, n).toString()}`);
          break;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      if (!isAlive(state.pid, state.initStartTime)) throw new Error('cannot start container: its init exited before start');
      Atomics.wait(cell, 0, 0, wait);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(fifo, { force: true });
  const hookState = { ociVersion: state.ociVersion, id, pid: state.pid, status: 'running', bundle: state.bundle, annotations: state.annotations };
  try {
    runHooks('poststart', state.config.hooks.poststart, hookState);
  } catch (err) {
    rt.log.warn((err as Error).message);
  }
}
