// `run`: create + start; in the foreground it waits for the process, forwards signals and returns
// the exit code, then deletes the container, as runc does. With a terminal it relays the pty.
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../syscalls/constants.js';
import { loadSpec } from '../spec/convert.js';
import { createContainer, type CreateOptions } from './create.js';
import { deleteContainer } from './delete.js';
import { forwardSignals, receiveMaster, relayTerminal } from './foreground.js';
import { exitCodeOf, waitForChild } from './process-wait.js';
import type { Runtime } from './runtime.js';
import { startContainer } from './start.js';

export interface RunOptions extends CreateOptions {
  detach?: boolean;
  /** Leave the stopped container for `state` and `delete` (runc run --keep). */
  keep?: boolean;
}

function wantsTerminal(bundle: string): boolean {
  try {
    return loadSpec(bundle).process?.terminal === true;
  } catch {
    return false; // create reports the bad config.json
  }
}

/** Returns the container process's exit code (0 when detached). */
export async function runContainer(rt: Runtime, opts: RunOptions): Promise<number> {
  if (opts.detach) {
    createContainer(rt, opts);
    startContainer(rt, opts.id);
    return 0;
  }
  // A terminal without --console-socket: the init sends the master to us and we relay it.
  const pair = opts.consoleSocket === undefined && wantsTerminal(opts.bundle) ? rt.sys.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC) : undefined;
  let state;
  try {
    state = createContainer(rt, { ...opts, subreaper: true, ...(pair ? { consoleSocketFd: pair[1] } : {}) });
  } finally {
    if (pair) rt.sys.close(pair[1]);
  }
  const master = pair ? receiveMaster(rt.sys, pair[0]) : undefined;
  const exited = waitForChild(rt.sys, state.pid);
  const unforward = forwardSignals(rt.sys, state.pid, master);
  const unrelay = master ? relayTerminal(master) : undefined;
  // --keep keeps a container whose process ran and exited; one that failed to start goes, as in runc.
  let ran = false;
  try {
    startContainer(rt, opts.id);
    const code = exitCodeOf(await exited);
    ran = true;
    return code;
  } finally {
    unforward();
    await unrelay?.();
    if (!(opts.keep && ran)) deleteContainer(rt, opts.id, true);
  }
}
