// `update`: new resource limits for a live container, written to its cgroups and kept in its state.
import { cgroupManagerFromPaths } from '../cgroups/open.js';
import type { ResourcesConfig } from '../spec/config.js';
import { refusal } from '../state/status.js';
import { currentStatus } from './container-status.js';
import type { Runtime } from './runtime.js';

export type ResourcesUpdate = Omit<ResourcesConfig, 'devices'>;

function merge(current: ResourcesConfig, update: ResourcesUpdate): ResourcesConfig {
  const out: ResourcesConfig = { ...current };
  if (update.memory) out.memory = { ...current.memory, ...update.memory };
  if (update.cpu) out.cpu = { ...current.cpu, ...update.cpu };
  if (update.pids) out.pids = update.pids;
  if (update.blockIO) out.blockIO = { ...current.blockIO, ...update.blockIO };
  if (update.hugepageLimits) out.hugepageLimits = update.hugepageLimits;
  if (update.unified) out.unified = { ...current.unified, ...update.unified };
  return out;
}

export function updateContainer(rt: Runtime, id: string, update: ResourcesUpdate): void {
  const state = rt.store.load(id);
  const why = refusal('update', currentStatus(rt.store, state));
  if (why) throw new Error(why);
  const merged = merge(state.config.resources, update);
  const m = merged.memory;
  if (m?.limit !== undefined && m.limit > 0 && m.swap !== undefined && m.swap > 0 && m.swap < m.limit) {
    throw new Error(`memory swap (${m.swap}) is memory+swap and cannot be lower than the memory limit (${m.limit})`);
  }
  cgroupManagerFromPaths(state.cgroupPaths).apply(update);
  state.config.resources = merged;
  rt.store.save(state);
}
