// The long-lived shim: child subreaper, owner of its containers' stdio, serving the task API on its
// own socket. One shim serves a group of containers (by default a namespace): a Node process costs
// ~10 MB, so one per container would be ten times the memory of containerd's Go shim.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addService, createServer, listenUnix, shutdown as stopServer } from '@stack/proto';
import { Task } from '@stack/proto/gen/containerd/runtime/task/v2/shim_pb';
import { TaskStreams } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { linuxSyscalls as sys, runtime as runcRuntime, watchOom } from '@stack/runc-ts';
import { ExternalRuntime } from '../runtime/external.js';
import { InProcessRuntime } from '../runtime/in-process.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import { guardCalls } from '../server/call-guard.js';
import { streamsService } from '../server/streams-service.js';
import { taskService } from '../server/task-service.js';
import { TaskManager, type RuntimeOptions } from '../task/task-manager.js';
import { installLastResort } from './last-resort.js';
import { log } from './log.js';
import { OrphanReaper } from './orphan-reaper.js';
import { shimPaths } from './shim-paths.js';

const PR_SET_CHILD_SUBREAPER = 36;

export interface ServeOptions {
  stateDir: string;
  group: string;
  /** runc-ts's --root for in-process containers: <runtimeRoot>/<namespace>. */
  runtimeRoot: string;
}

/** A runtime binary that is runc-ts itself runs in-process instead: same behaviour, no Node boot per call. */
function isRuncTs(binary: string): boolean {
  try {
    return path.basename(fs.realpathSync(binary)) === 'runc-ts' || /runc-ts\/bin\/runc-ts$/.test(fs.realpathSync(binary));
  } catch {
    return path.basename(binary) === 'runc-ts';
  }
}

export async function serve(opts: ServeOptions): Promise<void> {
  const paths = shimPaths(opts.stateDir, opts.group);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o711 });
  sys.prctl(PR_SET_CHILD_SUBREAPER, 1);
  installLastResort(log);

  const inProcess = new Map<string, InProcessRuntime>();
  const external = new Map<string, ExternalRuntime>();
  const runtimeFor = (ns: string, o: RuntimeOptions): OciRuntime => {
    if (o.binaryName && !isRuncTs(o.binaryName)) {
      const root = o.root || path.join(opts.runtimeRoot, 'external', ns);
      const key = `${o.binaryName}\0${root}`;
      let r = external.get(key);
      if (!r) external.set(key, (r = new ExternalRuntime(o.binaryName, root)));
      return r;
    }
    const root = o.root || path.join(opts.runtimeRoot, ns);
    let r = inProcess.get(root);
    if (!r) inProcess.set(root, (r = new InProcessRuntime(root, log)));
    return r;
  };

  const server = createServer();
  let stopping = false;
  const stop = async (force = false) => {
    // A task created since Shutdown was asked for keeps the shim alive.
    if (stopping || (!force && manager.size > 0)) return;
    stopping = true;
    manager.closed = true;
    // Gone from the group's address first, so the next start spawns a new shim instead of finding this one.
    fs.rmSync(paths.socket, { force: true });
    fs.rmSync(paths.pidFile, { force: true });
    reaper.stop();
    await stopServer(server, 1000);
    log('info', `shim ${opts.group} exits`);
    process.exit(0);
  };
  const manager = new TaskManager({
    stateDir: paths.tasksDir,
    runtimeFor,
    log,
    watchOom: (rt, id, onOom) => {
      if (!(rt instanceof InProcessRuntime)) return undefined;
      try {
        return watchOom(runcRuntime({ root: rt.root }), rt.state(id), onOom);
      } catch (err) {
        log('warn', `cannot watch OOM kills of ${id}: ${(err as Error).message}`);
        return undefined;
      }
    },
  });
  const reaper = new OrphanReaper(() => {
    const owned = manager.ownedPids();
    for (const r of external.values()) for (const pid of r.running) owned.add(pid);
    return owned;
  });
  addService(server, Task, guardCalls(Task.typeName, taskService(manager, (now) => void stop(now)), log));
  addService(server, TaskStreams, guardCalls(TaskStreams.typeName, streamsService(manager, log), log));
  await listenUnix(server, paths.socket);
  fs.writeFileSync(paths.pidFile, String(process.pid));
  reaper.start();
  // Daemons restarting must not take containers down: the shim leaves on Shutdown, or on TERM
  // only when it holds no task.
  process.on('SIGTERM', () => (manager.size === 0 ? void stop() : log('warn', `SIGTERM ignored: ${manager.size} tasks still run`)));
  process.on('SIGINT', () => void stop(true));
  process.on('SIGPIPE', () => undefined);
  log('info', `shim ${opts.group} serves on ${paths.socket}`);
}
