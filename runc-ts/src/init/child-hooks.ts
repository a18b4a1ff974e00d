// Hooks that run in the container's namespaces (createContainer, startContainer): forked from the
// init itself, the state on stdin, waited for with the hook's timeout. Synchronous, like the init.
import type { HookConfig } from '../spec/config.js';
import { O, WNOHANG } from '../syscalls/constants.js';
import type { Syscalls } from '../syscalls/syscalls.js';

export function runHookInChild(sys: Syscalls, phase: string, hook: HookConfig, state: object): void {
  const [r, w] = sys.pipe2(O.CLOEXEC);
  const pid = sys.fork();
  if (pid === 0) {
    try {
      sys.dup2(r, 0);
      sys.resetSignals();
      sys.execve(hook.path, hook.args.length ? hook.args : [hook.path], hook.env);
    } catch {
      // fall through to the exit code the parent reports
    }
    sys.exit(127);
  }
  sys.close(r);
  try {
    sys.write(w, Buffer.from(JSON.stringify(state)));
  } catch {
    // the hook does not read its stdin
  }
  sys.close(w);
  const deadline = hook.timeout !== undefined ? Date.now() + hook.timeout * 1000 : Infinity;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const [done, status] = sys.waitpid(pid, WNOHANG);
    if (done === pid) {
      if (status !== 0) throw new Error(`${phase} hook ${hook.path} ${status & 0x7f ? `was killed by signal ${status & 0x7f}` : `exited with status ${(status >> 8) & 0xff}`}`);
      return;
    }
    if (Date.now() > deadline) {
      sys.kill(pid, 9);
      sys.waitpid(pid, 0);
      throw new Error(`${phase} hook ${hook.path} timed out after ${hook.timeout}s`);
    }
    Atomics.wait(cell, 0, 0, 2);
  }
}
