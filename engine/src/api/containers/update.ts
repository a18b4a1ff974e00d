// POST /containers/{id}/update: new resource limits (memory, swap, reservation, CPU shares/quota/
// period/cpuset, pids, block I/O weight) and restart policy, checked with dockerd's rules, stored in
// the container's HostConfig (so the next start uses them) and applied to a live task at once
// through containerd-ts Tasks.Update. A zero or absent field leaves the current value, as in Docker.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';
import type { HostConfig, RestartPolicy } from '../../daemon/state/container-record.js';
import { jsonAny, RESOURCES_TYPE_URL } from '../../daemon/containers/spec-any.js';
import { BLKIO_WEIGHT_DISCARDED, blkioWeightSupported } from '../../daemon/containers/blkio-weight.js';

const MIN_MEMORY = 6 * 1024 * 1024;
const RESTART_NAMES = ['', 'no', 'always', 'on-failure', 'unless-stopped'];
// What this endpoint takes; anything else in the body is refused rather than ignored.
const FIELDS = ['Memory', 'MemorySwap', 'MemoryReservation', 'CpuShares', 'CpuQuota', 'CpuPeriod', 'NanoCpus', 'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight', 'RestartPolicy'];

export interface ResourceUpdate {
  Memory: number;
  MemorySwap: number;
  MemoryReservation: number;
  CpuShares: number;
  CpuQuota: number;
  CpuPeriod: number;
  NanoCpus: number;
  CpusetCpus: string;
  CpusetMems: string;
  PidsLimit: number;
  BlkioWeight: number;
}

function int(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`invalid ${what}: ${JSON.stringify(v)}`);
  return v;
}

/** "0-2,4" → [0,1,2,4]; undefined for malformed lists. */
export function parseCpuList(list: string): number[] | undefined {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

/** The body's resource fields with dockerd's checks; warnings for what the host cannot do. */
export function checkUpdate(body: Record<string, unknown>, current: HostConfig, ncpu: number, blkioWeight: boolean): { u: ResourceUpdate; warnings: string[] } {
  for (const k of Object.keys(body)) if (!FIELDS.includes(k) && body[k] !== null && body[k] !== 0 && body[k] !== '') throw badRequest(`updating ${k} is not supported`);
  const u: ResourceUpdate = {
    Memory: int(body.Memory, 'Memory'),
    MemorySwap: int(body.MemorySwap, 'MemorySwap'),
    MemoryReservation: int(body.MemoryReservation, 'MemoryReservation'),
    CpuShares: int(body.CpuShares, 'CpuShares'),
    CpuQuota: int(body.CpuQuota, 'CpuQuota'),
    CpuPeriod: int(body.CpuPeriod, 'CpuPeriod'),
    NanoCpus: int(body.NanoCpus, 'NanoCpus'),
    CpusetCpus: typeof body.CpusetCpus === 'string' ? body.CpusetCpus : '',
    CpusetMems: typeof body.CpusetMems === 'string' ? body.CpusetMems : '',
    PidsLimit: int(body.PidsLimit, 'PidsLimit'),
    BlkioWeight: int(body.BlkioWeight, 'BlkioWeight'),
  };
  const warnings: string[] = [];
  if (u.Memory > 0 && u.Memory < MIN_MEMORY) throw badRequest('Minimum memory limit allowed is 6MB');
  const memory = u.Memory || current.Memory;
  if (u.MemorySwap > 0 && memory === 0) throw badRequest('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (u.MemorySwap > 0 && u.MemorySwap < memory) throw badRequest('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (u.MemoryReservation > 0 && u.MemoryReservation < MIN_MEMORY) throw badRequest('Minimum memory reservation allowed is 6MB');
  if (u.NanoCpus > 0 && u.CpuQuota > 0) throw badRequest('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (u.NanoCpus > 0 && u.CpuPeriod > 0) throw badRequest('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (u.NanoCpus < 0 || u.NanoCpus > ncpu * 1e9) throw badRequest(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  if (u.CpuPeriod !== 0 && (u.CpuPeriod < 1000 || u.CpuPeriod > 1_000_000)) throw badRequest('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if (u.CpuQuota > 0 && u.CpuQuota < 1000) throw badRequest('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (u.CpusetCpus) {
    const cpus = parseCpuList(u.CpusetCpus);
    if (!cpus) throw badRequest(`Invalid value ${u.CpusetCpus} for cpuset cpus`);
    if (cpus.some((c) => c >= ncpu)) throw badRequest(`Requested CPUs are not available - requested ${u.CpusetCpus}, available: ${ncpu > 1 ? `0-${ncpu - 1}` : '0'}`);
  }
  if (u.CpusetMems && !parseCpuList(u.CpusetMems)) throw badRequest(`Invalid value ${u.CpusetMems} for cpuset mems`);
  if (u.BlkioWeight > 0 && !blkioWeight) {
    warnings.push(BLKIO_WEIGHT_DISCARDED);
    u.BlkioWeight = 0;
  }
  if (u.BlkioWeight > 0 && (u.BlkioWeight < 10 || u.BlkioWeight > 1000)) throw badRequest('Range of blkio weight is from 10 to 1000');
  return { u, warnings };
}

/** The OCI LinuxResources a live task gets: the container's limits after the update, as its spec would hold them. */
export function linuxResources(h: HostConfig): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const memory: Record<string, number> = {};
  if (h.Memory > 0) {
    memory.limit = h.Memory;
    memory.swap = h.MemorySwap === 0 ? (h.Memory * 2 >= 2 ** 63 ? -1 : h.Memory * 2) : h.MemorySwap;
  }
  if ((h.MemoryReservation ?? 0) > 0) memory.reservation = h.MemoryReservation!;
  if (Object.keys(memory).length) r.memory = memory;
  const cpu: Record<string, unknown> = {};
  if (h.CpuShares > 0) cpu.shares = h.CpuShares;
  if (h.NanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((h.NanoCpus * 100_000) / 1e9);
  } else if ((h.CpuQuota ?? 0) > 0 || (h.CpuPeriod ?? 0) > 0) {
    if ((h.CpuQuota ?? 0) > 0) cpu.quota = h.CpuQuota;
    cpu.period = h.CpuPeriod || 100_000;
  }
  if (h.CpusetCpus) cpu.cpus = h.CpusetCpus;
  if (typeof h.CpusetMems === 'string' && h.CpusetMems) cpu.mems = h.CpusetMems;
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (h.PidsLimit) r.pids = { limit: h.PidsLimit };
  if (typeof h.BlkioWeight === 'number' && h.BlkioWeight > 0) r.blockIO = { weight: h.BlkioWeight };
  return r;
}

function applyTo(h: HostConfig, u: ResourceUpdate): HostConfig {
  const next: HostConfig = { ...h };
  if (u.Memory) next.Memory = u.Memory;
  if (u.MemorySwap) next.MemorySwap = u.MemorySwap;
  if (u.MemoryReservation) next.MemoryReservation = u.MemoryReservation;
  if (u.CpuShares) next.CpuShares = u.CpuShares;
  // Quota/period and NanoCpus replace each other, as in Docker.
  if (u.NanoCpus) Object.assign(next, { NanoCpus: u.NanoCpus, CpuQuota: 0, CpuPeriod: 0 });
  if (u.CpuQuota) Object.assign(next, { CpuQuota: u.CpuQuota, NanoCpus: 0 });
  if (u.CpuPeriod) Object.assign(next, { CpuPeriod: u.CpuPeriod, NanoCpus: 0 });
  if (u.CpusetCpus) next.CpusetCpus = u.CpusetCpus;
  if (u.CpusetMems) next.CpusetMems = u.CpusetMems;
  if (u.PidsLimit) next.PidsLimit = u.PidsLimit;
  if (u.BlkioWeight) next.BlkioWeight = u.BlkioWeight;
  return next;
}

function restartPolicy(v: unknown, h: HostConfig): RestartPolicy | undefined {
  if (v === undefined || v === null) return undefined;
  const rp = v as Partial<RestartPolicy>;
  const name = rp.Name ?? '';
  // docker's client always sends a policy; an empty name leaves the current one, as dockerd does.
  if (name === '' && !rp.MaximumRetryCount) return undefined;
  if (!RESTART_NAMES.includes(name)) throw badRequest(`invalid restart policy '${String(name)}'`);
  const max = int(rp.MaximumRetryCount, 'MaximumRetryCount');
  if (max < 0) throw badRequest('maximum retry count cannot be negative');
  if (max > 0 && name !== 'on-failure') throw badRequest(`maximum retry count cannot be used with restart policy '${name}'`);
  if (h.AutoRemove && name !== '' && name !== 'no') throw badRequest('Restart policy cannot be updated because AutoRemove is enabled for the container');
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: max };
}

export function register(r: Router, e: Engine): void {
  r.post('/containers/{id}/update', async (ctx) => {
    const rec = e.containers.store.get(ctx.param('id'));
    const body = await ctx.json();
    const policy = restartPolicy(body.RestartPolicy, rec.HostConfig);
    const { u, warnings } = checkUpdate(
      Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'RestartPolicy')),
      rec.HostConfig,
      os.cpus().length,
      blkioWeightSupported(),
    );
    await e.containers.locked(rec.ID, async () => {
      const next = applyTo(rec.HostConfig, u);
      if (policy) next.RestartPolicy = policy;
      if (rec.State.Status === 'running' || rec.State.Status === 'paused') {
        try {
          await e.containerd.tasks.update({ containerId: rec.ID, resources: jsonAny(RESOURCES_TYPE_URL, linuxResources(next)), annotations: {} });
        } catch (err) {
          throw new ApiError(500, `Cannot update container ${rec.ID}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      rec.HostConfig = next;
      e.containers.store.save(rec);
    });
    e.events.publish('container', 'update', rec.ID, { name: rec.Name.slice(1) });
    ctx.sendJson(200, { Warnings: warnings.length ? warnings : null });
  });
}
