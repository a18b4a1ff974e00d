// One reading loop per daemon for streamed stats, as dockerd has: every second a single
// Tasks.Metrics call for all the containers someone is watching (ORed id filters) and one read of
// /proc/stat, handed to every subscriber, rather than a call per container and stream.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { MetricsSchema } from '@stack/proto/gen/io/containerd/cgroups/v1/metrics_pb';
import type { Engine } from '../../daemon/engine.js';
import type { ContainerRecord } from '../../daemon/state/container-record.js';
import { parseNetDev, systemCpuNs, type Sample } from './stats-view.js';

export const INTERVAL_MS = 1000;

type Listener = (s: Sample | undefined) => void;

export const isRunning = (rec: ContainerRecord): boolean => (rec.State.Status === 'running' || rec.State.Status === 'paused') && rec.State.Pid > 0;

function networksOf(rec: ContainerRecord): Sample['networks'] {
  if (rec.HostConfig.NetworkMode === 'host') return undefined;
  try {
    const devs = parseNetDev(fs.readFileSync(`/proc/${rec.State.Pid}/net/dev`, 'utf8'));
    return Object.keys(devs).length ? devs : undefined;
  } catch {
    return undefined; // the task exited between the two reads
  }
}

/** Readings for `recs` (running ones only) from one Tasks.Metrics call. */
export async function readSamples(e: Engine, recs: readonly ContainerRecord[]): Promise<Map<string, Sample>> {
  const out = new Map<string, Sample>();
  const live = recs.filter(isRunning);
  if (!live.length) return out;
  const { metrics } = await e.containerd.tasks.metrics({ filters: live.map((r) => `id==${r.ID}`) });
  const read = new Date().toISOString();
  const systemCpu = systemCpuNs(fs.readFileSync('/proc/stat', 'utf8'));
  const onlineCpus = os.cpus().length;
  for (const rec of live) {
    const data = metrics.find((m) => m.id === rec.ID)?.data;
    if (data) out.set(rec.ID, { read, metrics: anyUnpack(data, MetricsSchema), systemCpuNs: systemCpu, onlineCpus, networks: networksOf(rec) });
  }
  return out;
}

export class StatsCollector {
  private readonly listeners = new Map<string, Set<Listener>>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly e: Engine) {}

  /** Calls `fn` with each reading of the container (undefined while it is not running); returns the unsubscribe. */
  subscribe(id: string, fn: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(fn);
    this.timer ??= setInterval(() => void this.tick(), INTERVAL_MS);
    void this.tick();
    return () => {
      set.delete(fn);
      if (!set.size) this.listeners.delete(id);
      if (!this.listeners.size && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private async tick(): Promise<void> {
    // A slow containerd-ts skips a beat rather than piling calls up.
    if (this.busy) return;
    this.busy = true;
    try {
      const recs = [...this.listeners.keys()].map((id) => this.e.containers.store.find(id)).filter((r): r is ContainerRecord => r !== undefined);
      const samples = await readSamples(this.e, recs).catch((err: unknown) => {
        this.e.log.warn(`stats: ${String(err)}`);
        return new Map<string, Sample>();
      });
      for (const [id, set] of this.listeners) for (const fn of set) fn(samples.get(id));
    } finally {
      this.busy = false;
    }
  }
}
