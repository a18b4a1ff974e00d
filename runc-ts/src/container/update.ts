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

/**
 * runc 1.1's update changes only the block I/O weight: the leaf weight and the per-device weights and
 * throttles of the input are not applied (runc reapplies those of create). Same here, said aloud.
 */
function blockIOUpdate(rt: Runtime, update: ResourcesUpdate): ResourcesUpdate {
  if (!update.blockIO) return update;
  const { weight, ...ignored } = update.blockIO;
  const names = Object.keys(ignored);
  if (names.length) rt.log.warn(`update: blockIO ${names.join(', ')} cannot be changed by update (as with runc 1.1); only the weight is applied`);
  const { blockIO: _dropped, ...rest } = update;
  return weight !== undefined ? { ...rest, blockIO: { weight } } : rest;
}

export function updateContainer(rt: Runtime, id: string, requested: ResourcesUpdate): void {
  const update = blockIOUpdate(rt, requested);
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
