// runc-ts's library, called in the shim's own process (which runs with --single-threaded --expose-gc
// so it can fork containers).
import {
  convertProcess,
  convertResourcesUpdate,
  containerStats,
  createContainer,
  deleteContainer,
  killContainer,
  pauseContainer,
  resumeContainer,
  runtime,
  startContainer,
  startExec,
  updateContainer,
  type Runtime,
} from '@stack/runc-ts';
import { cgroupPids } from './cgroup-pids.js';
import type { CreateParams, ExecParams, OciRuntime } from './oci-runtime.js';

export class InProcessRuntime implements OciRuntime {
  readonly name = 'runc-ts (in-process)';
  private readonly rt: Runtime;

  constructor(
    readonly root: string,
    log: (level: 'warn' | 'error', msg: string) => void,
  ) {
    this.rt = runtime({ root, log: { debug() {}, warn: (m) => log('warn', m), error: (m) => log('error', m) } });
  }

  async create(p: CreateParams): Promise<number> {
    const state = createContainer(this.rt, {
      id: p.id,
      bundle: p.bundle,
      noPivot: p.noPivot,
      noNewKeyring: p.noNewKeyring,
      ...(p.stdio ? { stdio: p.stdio } : {}),
      ...(p.consoleSocket !== undefined ? { consoleSocketFd: p.consoleSocket } : {}),
    });
    return state.pid;
  }

  async start(id: string): Promise<void> {
    startContainer(this.rt, id);
  }

  async exec(p: ExecParams): Promise<number> {
    return startExec(
      this.rt,
      {
        id: p.id,
        process: convertProcess(p.process, undefined, `exec ${p.execId} process`),
        ...(p.stdio ? { stdio: p.stdio } : {}),
      },
      p.consoleSocket,
    );
  }

  async kill(id: string, signal: number, all: boolean): Promise<void> {
    killContainer(this.rt, id, signal, all);
  }

  async delete(id: string, force: boolean): Promise<void> {
    deleteContainer(this.rt, id, force);
  }

  async pause(id: string): Promise<void> {
    pauseContainer(this.rt, id);
  }

  async resume(id: string): Promise<void> {
    resumeContainer(this.rt, id);
  }

  async update(id: string, resources: unknown): Promise<void> {
    updateContainer(this.rt, id, convertResourcesUpdate(resources));
  }

  async stats(id: string): Promise<ReturnType<typeof containerStats>['data']> {
    return containerStats(this.rt, id).data;
  }

  /** runc-ts's state of a container (for OOM watching). */
  state(id: string): ReturnType<Runtime['store']['load']> {
    return this.rt.store.load(id);
  }

  async pids(id: string): Promise<number[]> {
    return cgroupPids(this.rt.store.load(id).cgroupPaths);
  }
}
