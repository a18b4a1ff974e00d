// Runs the health checks of running containers: a monitor from each `start` event (and for the
// containers already running when engined starts) until `die` or `destroy`. Probes are execs, so
// they show up as exec_create/exec_start/exec_die as under dockerd; each result is written into the
// container's State.Health, and a change of status is a `health_status: …` event.
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from './container-manager.js';
import type { ContainerStore } from '../state/container-store.js';
import type { ContainerManager } from './container-manager.js';
import type { ExecManager } from './exec-manager.js';
import { HealthMonitor, probeCommand } from './healthcheck.js';

export class HealthSupervisor {
  private readonly monitors = new Map<string, HealthMonitor>();

  constructor(
    private readonly store: ContainerStore,
    private readonly containers: ContainerManager,
    private readonly execs: ExecManager,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {
    events.subscribe((e) => {
      if (e.Type !== 'container') return;
      if (e.Action === 'start') this.watch(e.Actor.ID);
      else if (e.Action === 'die' || e.Action === 'destroy') this.forget(e.Actor.ID);
    });
    for (const rec of store.all()) if (rec.State.Status === 'running') this.watch(rec.ID);
  }

  private watch(id: string): void {
    const rec = this.store.find(id);
    const cmd = probeCommand(rec?.Config.Healthcheck);
    if (!rec || !cmd || this.monitors.has(id)) return;
    const monitor = new HealthMonitor(rec.Config.Healthcheck!, cmd, {
      run: async (argv, timeoutMs) => {
        const current = this.store.get(id);
        const execId = this.execs.create(current, { Cmd: argv, AttachStdout: true, AttachStderr: true });
        return this.execs.run(execId, timeoutMs);
      },
      update: (state, changed) => {
        const current = this.store.find(id);
        if (!current || !this.monitors.has(id)) return;
        current.State.Health = structuredClone(state);
        this.store.saveOrRetry(current, (cid, err) => this.log.warn(`cannot save the health of ${cid}: ${String(err)}`));
        if (changed) this.events.publish('container', `health_status: ${state.Status}`, id, this.containers.attributes(current));
      },
    });
    this.monitors.set(id, monitor);
    rec.State.Health = structuredClone(monitor.state);
    this.store.saveOrRetry(rec, (cid, err) => this.log.warn(`cannot save the health of ${cid}: ${String(err)}`));
  }

  private forget(id: string): void {
    this.monitors.get(id)?.stop();
    this.monitors.delete(id);
  }

  stop(): void {
    for (const m of this.monitors.values()) m.stop();
    this.monitors.clear();
  }
}
