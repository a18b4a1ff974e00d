// engine info [--format]: the daemon's /info laid out line for line as docker 20.10's client lays it
// out (scripts grep these lines), with the Client section first and warnings on stderr.
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';
import { bytesSize } from './units.js';
import { renderTemplate } from '../format/template.js';

interface Args extends GlobalArgs {
  format?: string | undefined;
}

interface Commit {
  ID: string;
  Expected: string;
}

interface Info {
  [k: string]: unknown;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  ServerVersion?: string;
  Driver?: string;
  DriverStatus?: Array<[string, string]> | null;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  Plugins?: { Volume?: string[] | null; Network?: string[] | null; Authorization?: string[] | null; Log?: string[] | null };
  Swarm?: { LocalNodeState?: string };
  Runtimes?: Record<string, unknown>;
  DefaultRuntime?: string;
  OSType?: string;
  InitBinary?: string;
  ContainerdCommit?: Commit;
  RuncCommit?: Commit;
  InitCommit?: Commit;
  SecurityOptions?: string[] | null;
  KernelVersion?: string;
  OperatingSystem?: string;
  Architecture?: string;
  NCPU: number;
  MemTotal: number;
  Name?: string;
  ID?: string;
  DockerRootDir?: string;
  Debug?: boolean;
  NFd?: number;
  NGoroutines?: number;
  SystemTime?: string;
  NEventsListener?: number;
  HttpProxy?: string;
  HttpsProxy?: string;
  NoProxy?: string;
  IndexServerAddress?: string;
  Labels?: string[] | null;
  ExperimentalBuild?: boolean;
  RegistryConfig?: { InsecureRegistryCIDRs?: string[] | null; IndexConfigs?: Record<string, { Name: string; Secure: boolean }> | null; Mirrors?: string[] | null } | null;
  LiveRestoreEnabled?: boolean;
  DefaultAddressPools?: Array<{ Base: string; Size: number }> | null;
  Warnings?: string[] | null;
}

/** `name=seccomp,profile=default` → its name and options, as docker's DecodeSecurityOptions reads them. */
function securityOption(opt: string): { name: string; profile?: string } {
  const kv = Object.fromEntries(opt.split(',').map((p) => p.split('=', 2) as [string, string]));
  return { name: kv.name ?? opt, ...(kv.profile ? { profile: kv.profile } : {}) };
}

export function serverLines(i: Info): string[] {
  const out: string[] = [];
  const line = (label: string, v: unknown) => out.push(`${label} ${String(v)}`);
  const nonEmpty = (label: string, v: string | undefined) => {
    if (v) line(label, v);
  };
  line(' Containers:', i.Containers);
  line('  Running:', i.ContainersRunning);
  line('  Paused:', i.ContainersPaused);
  line('  Stopped:', i.ContainersStopped);
  line(' Images:', i.Images);
  nonEmpty(' Server Version:', i.ServerVersion);
  nonEmpty(' Storage Driver:', i.Driver);
  for (const [k, v] of i.DriverStatus ?? []) out.push(`  ${k}: ${v}`);
  nonEmpty(' Logging Driver:', i.LoggingDriver);
  nonEmpty(' Cgroup Driver:', i.CgroupDriver);
  nonEmpty(' Cgroup Version:', i.CgroupVersion);
  out.push(' Plugins:');
  line('  Volume:', (i.Plugins?.Volume ?? []).join(' '));
  line('  Network:', (i.Plugins?.Network ?? []).join(' '));
  if (i.Plugins?.Authorization?.length) line('  Authorization:', i.Plugins.Authorization.join(' '));
  line('  Log:', (i.Plugins?.Log ?? []).join(' '));
  line(' Swarm:', i.Swarm?.LocalNodeState ?? '');
  const runtimes = Object.keys(i.Runtimes ?? {});
  if (runtimes.length) {
    out.push(` Runtimes: ${runtimes.join(' ')}`);
    line(' Default Runtime:', i.DefaultRuntime ?? '');
  }
  if (i.OSType === 'linux') {
    line(' Init Binary:', i.InitBinary ?? '');
    for (const [name, c] of [['containerd', i.ContainerdCommit], ['runc', i.RuncCommit], ['init', i.InitCommit]] as const) {
      out.push(` ${name} version: ${c?.ID ?? ''}${c && c.ID !== c.Expected ? ` (expected: ${c.Expected})` : ''}`);
    }
    if (i.SecurityOptions?.length) {
      out.push(' Security Options:');
      for (const so of i.SecurityOptions.map(securityOption)) {
        out.push(`  ${so.name}`);
        if (so.profile) line('   Profile:', so.profile);
      }
    }
  }
  nonEmpty(' Kernel Version:', i.KernelVersion);
  nonEmpty(' Operating System:', i.OperatingSystem);
  nonEmpty(' OSType:', i.OSType);
  nonEmpty(' Architecture:', i.Architecture);
  line(' CPUs:', i.NCPU);
  line(' Total Memory:', bytesSize(i.MemTotal));
  nonEmpty(' Name:', i.Name);
  nonEmpty(' ID:', i.ID);
  line(' Docker Root Dir:', i.DockerRootDir ?? '');
  line(' Debug Mode:', Boolean(i.Debug));
  if (i.Debug) {
    line('  File Descriptors:', i.NFd ?? 0);
    line('  Goroutines:', i.NGoroutines ?? 0);
    line('  System Time:', i.SystemTime ?? '');
    line('  EventsListeners:', i.NEventsListener ?? 0);
  }
  nonEmpty(' HTTP Proxy:', i.HttpProxy);
  nonEmpty(' HTTPS Proxy:', i.HttpsProxy);
  nonEmpty(' No Proxy:', i.NoProxy);
  if (i.IndexServerAddress) line(' Registry:', i.IndexServerAddress);
  if (i.Labels) {
    out.push(' Labels:');
    for (const l of i.Labels) out.push(`  ${l}`);
  }
  line(' Experimental:', Boolean(i.ExperimentalBuild));
  const reg = i.RegistryConfig;
  if (reg && ((reg.InsecureRegistryCIDRs?.length ?? 0) > 0 || Object.keys(reg.IndexConfigs ?? {}).length > 0)) {
    out.push(' Insecure Registries:');
    for (const r of Object.values(reg.IndexConfigs ?? {})) if (!r.Secure) out.push(`  ${r.Name}`);
    for (const cidr of reg.InsecureRegistryCIDRs ?? []) out.push(`  ${cidr}`);
  }
  if (reg?.Mirrors?.length) {
    out.push(' Registry Mirrors:');
    for (const m of reg.Mirrors) out.push(`  ${m}`);
  }
  line(' Live Restore Enabled:', Boolean(i.LiveRestoreEnabled));
  if (i.DefaultAddressPools?.length) {
    out.push(' Default Address Pools:');
    for (const p of i.DefaultAddressPools) out.push(`   Base: ${p.Base}, Size: ${p.Size}`);
  }
  return out;
}

export const info: CommandModule<GlobalArgs, Args> = {
  command: 'info',
  describe: 'Display system-wide information',
  builder: (y) => (y as Argv<GlobalArgs>).option('format', { alias: 'f', type: 'string' }) as unknown as Argv<Args>,
  handler: async (a) => {
    try {
      const i = await api(a).call<Info>('GET', '/info');
      if (a.format) {
        process.stdout.write(`${renderTemplate(a.format, i)}\n`);
        exit(0);
      }
      const client = ['Client:', ' Context:    default', ` Debug Mode: ${Boolean(a.debug)}`];
      process.stdout.write(`${[...client, '', 'Server:', ...serverLines(i), ''].join('\n')}\n`);
      for (const w of i.Warnings ?? []) process.stderr.write(`${w}\n`);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
