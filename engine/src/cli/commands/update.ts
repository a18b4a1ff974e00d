// engine update [OPTIONS] CONTAINER…: docker's flags for live resource limits and the restart policy.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { parseMemory } from '../format/human.js';

interface Args extends GlobalArgs {
  containers: string[];
  memory?: string | undefined;
  'memory-swap'?: string | undefined;
  'memory-reservation'?: string | undefined;
  cpus?: number | undefined;
  'cpu-shares'?: number | undefined;
  'cpu-quota'?: number | undefined;
  'cpu-period'?: number | undefined;
  'cpuset-cpus'?: string | undefined;
  'cpuset-mems'?: string | undefined;
  'pids-limit'?: number | undefined;
  'blkio-weight'?: number | undefined;
  restart?: string | undefined;
}

/** --restart no|always|unless-stopped|on-failure[:N] */
export function parseRestart(v: string): { Name: string; MaximumRetryCount: number } {
  const [name = '', count] = v.split(':', 2);
  if (count !== undefined && !/^\d+$/.test(count)) throw new Error(`invalid restart policy format: maximum retry count must be an integer`);
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

export function updateBody(a: Omit<Args, 'containers' | keyof GlobalArgs>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (a.memory !== undefined) body.Memory = parseMemory(a.memory);
  if (a['memory-swap'] !== undefined) body.MemorySwap = parseMemory(a['memory-swap']);
  if (a['memory-reservation'] !== undefined) body.MemoryReservation = parseMemory(a['memory-reservation']);
  if (a.cpus !== undefined) body.NanoCpus = Math.round(a.cpus * 1e9);
  if (a['cpu-shares'] !== undefined) body.CpuShares = a['cpu-shares'];
  if (a['cpu-quota'] !== undefined) body.CpuQuota = a['cpu-quota'];
  if (a['cpu-period'] !== undefined) body.CpuPeriod = a['cpu-period'];
  if (a['cpuset-cpus'] !== undefined) body.CpusetCpus = a['cpuset-cpus'];
  if (a['cpuset-mems'] !== undefined) body.CpusetMems = a['cpuset-mems'];
  if (a['pids-limit'] !== undefined) body.PidsLimit = a['pids-limit'];
  if (a['blkio-weight'] !== undefined) body.BlkioWeight = a['blkio-weight'];
  if (a.restart !== undefined) body.RestartPolicy = parseRestart(a.restart);
  return body;
}

export const update: CommandModule<GlobalArgs, Args> = {
  command: 'update <containers..>',
  describe: 'Update configuration of one or more containers',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('containers', { type: 'string', array: true, demandOption: true })
      .option('memory', { alias: 'm', type: 'string', describe: 'memory limit' })
      .option('memory-swap', { type: 'string', describe: 'swap limit equal to memory plus swap: -1 to enable unlimited swap' })
      .option('memory-reservation', { type: 'string', describe: 'memory soft limit' })
      .option('cpus', { type: 'number', describe: 'number of CPUs' })
      .option('cpu-shares', { alias: 'c', type: 'number', describe: 'CPU shares (relative weight)' })
      .option('cpu-quota', { type: 'number', describe: 'limit CPU CFS (Completely Fair Scheduler) quota' })
      .option('cpu-period', { type: 'number', describe: 'limit CPU CFS (Completely Fair Scheduler) period' })
      .option('cpuset-cpus', { type: 'string', describe: 'CPUs in which to allow execution (0-3, 0,1)' })
      .option('cpuset-mems', { type: 'string', describe: 'MEMs in which to allow execution (0-3, 0,1)' })
      .option('pids-limit', { type: 'number', describe: 'tune container pids limit (set -1 for unlimited)' })
      .option('blkio-weight', { type: 'number', describe: 'block IO (relative weight), between 10 and 1000, or 0 to disable' })
      .option('restart', { type: 'string', describe: 'restart policy to apply when a container exits' }) as unknown as Argv<Args>,
  handler: async (a) => {
    let body: Record<string, unknown>;
    try {
      body = updateBody(a);
    } catch (err) {
      fail(err);
    }
    if (!Object.keys(body).length) {
      process.stderr.write('You must provide one or more flags when using this command.\n');
      exit(1);
    }
    let failed = false;
    const warnings: string[] = [];
    for (const c of a.containers) {
      try {
        const r = await api(a).call<{ Warnings: string[] | null }>('POST', `/containers/${encodeURIComponent(c)}/update`, { body });
        warnings.push(...(r.Warnings ?? []));
        process.stdout.write(`${c}\n`);
      } catch (err) {
        failed = true;
        process.stderr.write(`${err instanceof Error ? `Error response from daemon: ${err.message}` : String(err)}\n`);
      }
    }
    // docker prints the daemon's warnings after the names, on stdout.
    if (warnings.length) process.stdout.write(`${warnings.join('\n')}\n`);
    exit(failed ? 1 : 0);
  },
};
