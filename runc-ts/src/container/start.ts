// `start`: releases an init blocked on the exec FIFO, so it execs the user's process.
import * as fs from 'node:fs';
import { refusal } from '../state/status.js';
import { currentStatus } from './container-status.js';
import { runHooks } from './hooks.js';
import { isAlive } from './proc-info.js';
import type { Runtime } from './runtime.js';

const POLLIN = 1;
const POLLHUP = 0x10;

export function startContainer(rt: Runtime, id: string): void {
  const state = rt.store.load(id);
  const why = refusal('start', currentStatus(rt.store, state));
  if (why) throw new Error(why);
  const fifo = rt.store.execFifo(id);
  // Non-blocking: a blocking open would hang forever if the init died meanwhile.
  const fd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(1);
    for (;;) {
      const ev = rt.sys.poll(fd, POLLIN, 100);
      if (ev & POLLIN) {
        if (rt.sys.read(fd, buf) > 0) break;
      }
      if (ev & POLLHUP || !isAlive(state.pid, state.initStartTime)) {
        throw new Error('cannot start container: its init exited before start');
      }
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
