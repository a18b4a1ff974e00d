// The flags `run` and `create` share, and the create request they turn into (Config + HostConfig).
import { parseGoDuration } from '../../common/go-duration.js';
import * as fs from 'node:fs';
import type { Argv } from 'yargs';
import { parseMemory } from '../format/human.js';
import { parseExposedPort, parsePortSpec } from '../../network/port-spec.js';
import { parseDeviceSpec } from '../../common/device-spec.js';

export interface ContainerArgs {
  image: string;
  command: string[];
  /** The container's command after the image, as argv-split marks it. */
  '--'?: Array<string | number> | undefined;
  name?: string | undefined;
  env: string[];
  'env-file': string[];
  volume: string[];
  mount: string[];
  tmpfs: string[];
  'read-only': boolean;
  workdir?: string | undefined;
  user?: string | undefined;
  entrypoint?: string | undefined;
  hostname?: string | undefined;
  restart?: string | undefined;
  memory?: string | undefined;
  'memory-swap'?: string | undefined;
  'shm-size'?: string | undefined;
  cpus?: number | undefined;
  'cpu-shares'?: number | undefined;
  'pids-limit'?: number | undefined;
  privileged: boolean;
  'cap-add': string[];
  'cap-drop': string[];
  ulimit: string[];
  network?: string | undefined;
  init: boolean;
  'stop-signal'?: string | undefined;
  'stop-timeout'?: number | undefined;
  'health-cmd'?: string | undefined;
  'health-interval'?: string | undefined;
  'health-timeout'?: string | undefined;
  'health-start-period'?: string | undefined;
  'health-retries'?: number | undefined;
  healthcheck: boolean;
  label: string[];
  publish: string[];
  'publish-all': boolean;
  expose: string[];
  'network-alias': string[];
  ip?: string | undefined;
  dns: string[];
  'dns-search': string[];
  'dns-option': string[];
  domainname?: string | undefined;
  'add-host': string[];
  device: string[];
  'device-cgroup-rule': string[];
  'group-add': string[];
  pid?: string | undefined;
  ipc?: string | undefined;
  uts?: string | undefined;
  link: string[];
  'volumes-from': string[];
  sysctl: string[];
  'oom-score-adj'?: number | undefined;
  cgroupns?: string | undefined;
  'memory-swappiness'?: number | undefined;
  'security-opt': string[];
  'log-opt': string[];
  interactive: boolean;
  tty: boolean;
  rm: boolean;
  detach?: boolean | undefined;
}

const list = { type: 'string', array: true, default: [] as string[] } as const;

export function containerOptions<T>(y: Argv<T>): Argv<T & ContainerArgs> {
  return y
    .positional('image', { type: 'string', demandOption: true, describe: 'image to run' })
    .positional('command', { type: 'string', array: true, default: [], describe: 'command and arguments' })
    .option('interactive', { alias: 'i', type: 'boolean', default: false, describe: 'keep stdin open' })
    .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'allocate a pseudo-TTY' })
    .option('rm', { type: 'boolean', default: false, describe: 'remove the container when it exits' })
    .option('name', { type: 'string', describe: 'container name' })
    .option('env', { alias: 'e', ...list, describe: 'set environment variables' })
    .option('env-file', { ...list, describe: 'read environment variables from a file' })
    .option('volume', { alias: 'v', ...list, describe: 'bind mount or volume: [src:]dst[:ro]' })
    .option('mount', { ...list, describe: 'type=bind|volume|tmpfs,source=…,target=…[,readonly]' })
    .option('tmpfs', { ...list, describe: 'tmpfs mount: /path[:options]' })
    .option('read-only', { type: 'boolean', default: false, describe: "mount the container's root filesystem read-only" })
    .option('workdir', { alias: 'w', type: 'string', describe: 'working directory' })
    .option('user', { alias: 'u', type: 'string', describe: 'user[:group]' })
    .option('entrypoint', { type: 'string', describe: "override the image's entrypoint" })
    .option('hostname', { alias: 'h', type: 'string', describe: 'container host name' })
    .option('restart', { type: 'string', describe: 'no | always | on-failure[:N] | unless-stopped' })
    .option('memory', { alias: 'm', type: 'string', describe: 'memory limit (e.g. 64m)' })
    .option('memory-swap', { type: 'string', describe: 'memory + swap limit, -1 unlimited' })
    .option('shm-size', { type: 'string', describe: 'size of /dev/shm' })
    .option('cpus', { type: 'number', describe: 'number of CPUs' })
    .option('cpu-shares', { alias: 'c', type: 'number', describe: 'CPU shares (relative weight)' })
    .option('pids-limit', { type: 'number', describe: 'process limit (-1 unlimited)' })
    .option('privileged', { type: 'boolean', default: false, describe: 'give all capabilities and devices' })
    .option('cap-add', { ...list, describe: 'add Linux capabilities' })
    .option('cap-drop', { ...list, describe: 'drop Linux capabilities' })
    .option('ulimit', { ...list, describe: 'ulimit: name=soft[:hard]' })
    .option('network', { alias: 'net', type: 'string', describe: 'bridge (default) | NETWORK | none | host | container:NAME|ID' })
    .option('network-alias', { alias: 'net-alias', ...list, describe: 'network-scoped alias (user-defined networks)' })
    .option('ip', { type: 'string', describe: 'IPv4 address on the network (networks with a --subnet)' })
    .option('dns', { ...list, describe: 'custom DNS servers' })
    .option('dns-search', { ...list, describe: 'custom DNS search domains' })
    .option('dns-option', { alias: 'dns-opt', ...list, describe: 'DNS options' })
    .option('domainname', { type: 'string', describe: 'container NIS domain name' })
    .option('init', { type: 'boolean', default: false, describe: 'run an init inside the container' })
    .option('stop-signal', { type: 'string', describe: 'signal to stop the container' })
    .option('stop-timeout', { type: 'number', describe: 'seconds to wait before killing on stop' })
    .option('health-cmd', { type: 'string', describe: 'Command to run to check health' })
    .option('health-interval', { type: 'string', describe: 'Time between running the check (ms|s|m|h) (default 0s)' })
    .option('health-timeout', { type: 'string', describe: 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' })
    .option('health-start-period', { type: 'string', describe: 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' })
    .option('health-retries', { type: 'number', describe: 'Consecutive failures needed to report unhealthy' })
    // yargs reads --no-healthcheck as healthcheck=false.
    .option('healthcheck', { type: 'boolean', default: true, hidden: true, describe: '--no-healthcheck: disable any container-specified HEALTHCHECK' })
    .option('label', { alias: 'l', ...list, describe: 'set metadata' })
    .option('publish', { alias: 'p', ...list, describe: "publish a container's port: [ip:][host:]container[/proto]" })
    .option('publish-all', { alias: 'P', type: 'boolean', default: false, describe: 'publish every exposed port on a random host port' })
    .option('expose', { ...list, describe: 'expose a port or a range of ports' })
    .option('add-host', { ...list, describe: 'add a host-to-IP mapping (host:ip)' })
    .option('device', { ...list, describe: 'add a host device: HOST[:CONTAINER][:PERMISSIONS]' })
    .option('device-cgroup-rule', { ...list, describe: "add a rule to the cgroup's allowed devices list" })
    .option('group-add', { ...list, describe: 'additional groups to join' })
    .option('pid', { type: 'string', describe: 'PID namespace: host | container:NAME|ID' })
    .option('ipc', { type: 'string', describe: 'IPC mode: private | shareable | none | host | container:NAME|ID' })
    .option('uts', { type: 'string', describe: 'UTS namespace: host' })
    .option('link', { ...list, describe: 'add a link to another container: NAME[:ALIAS]' })
    .option('volumes-from', { ...list, describe: 'mount volumes from the container(s): NAME[:ro|rw]' })
    .option('sysctl', { ...list, describe: 'namespaced kernel parameters: name=value' })
    .option('memory-swappiness', { type: 'number', describe: 'tune container memory swappiness (0 to 100)' })
    .option('cgroupns', { type: 'string', describe: 'cgroup namespace: host | private' })
    .option('oom-score-adj', { type: 'number', describe: "tune the host's OOM preferences (-1000 to 1000)" })
    .option('security-opt', { ...list, describe: 'security options' })
    .option('log-opt', { ...list, describe: 'log driver options (max-size, max-file)' }) as unknown as Argv<T & ContainerArgs>;
}

export class UsageError extends Error {
  /** docker's client ends its own messages with a period, but not a flag parser's (`invalid argument … flag: …`). */
  get sentence(): string {
    return this.message.startsWith('invalid argument "') ? this.message : `${this.message}.`;
  }
}

/** The command after the image or container: yargs' positional, or what follows `--`. */
export function commandOf(args: { command?: Array<string | number>; '--'?: Array<string | number> | undefined }): string[] | null {
  const cmd = [...(args.command ?? []), ...(args['--'] ?? [])].map(String);
  return cmd.length ? cmd : null;
}

function envList(args: ContainerArgs): string[] {
  const out: string[] = [];
  const add = (e: string) => {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e] ?? ''}`);
  };
  for (const f of args['env-file']) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (err) {
      throw new UsageError(`open ${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    for (const line of text.split('\n')) {
      const l = line.trim();
      if (l && !l.startsWith('#')) add(l);
    }
  }
  for (const e of args.env) add(e);
  return out;
}

export function parseRestart(v: string | undefined): { Name: string; MaximumRetryCount: number } {
  if (!v) return { Name: 'no', MaximumRetryCount: 0 };
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(v);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) throw new UsageError(`invalid restart policy format: ${v}`);
  return { Name: m[1]!, MaximumRetryCount: m[2] === undefined ? 0 : Number(m[2]) };
}

/** -p [ip:][hostPort[-end]:]containerPort[-end][/proto] → ExposedPorts and PortBindings, as Docker's CLI expands them. */
export function parsePublish(specs: readonly string[]): { exposed: Record<string, object>; bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const spec of specs) {
    let requests;
    try {
      requests = parsePortSpec(spec);
    } catch (err) {
      throw new UsageError(`invalid argument "${spec}" for "-p, --publish" flag: ${(err as Error).message}`);
    }
    for (const r of requests) {
      const key = `${r.containerPort}/${r.proto}`;
      const hostPort = r.hostPort === 0 ? '' : r.hostPortEnd > r.hostPort ? `${r.hostPort}-${r.hostPortEnd}` : String(r.hostPort);
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: r.hostIp, HostPort: hostPort });
    }
  }
  return { exposed, bindings };
}

/** --expose 80, 53/udp, 7000-7002: one ExposedPorts key per port. */
export function parseExpose(specs: readonly string[]): Record<string, object> {
  const out: Record<string, object> = {};
  for (const spec of specs) {
    try {
      for (const p of parseExposedPort(spec)) out[`${p.port}/${p.proto}`] = {};
    } catch {
      throw new UsageError(`invalid argument "${spec}" for "--expose" flag: invalid range format for --expose`);
    }
  }
  return out;
}

/** --network-alias and --ip go to the one network of --network (the default one when not given). */
export function networkingConfig(args: ContainerArgs): Record<string, unknown> {
  const aliases = args['network-alias'];
  if (aliases.length === 0 && !args.ip) return { EndpointsConfig: {} };
  const mode = args.network ?? 'default';
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) throw new UsageError(`--network-alias and --ip need a bridge network, not --network ${mode}`);
  return { EndpointsConfig: { [mode]: { Aliases: aliases.length ? aliases : null, ...(args.ip ? { IPAMConfig: { IPv4Address: args.ip } } : {}) } } };
}

function parseMount(spec: string): Record<string, unknown> {
  const m: Record<string, string> = {};
  for (const field of spec.split(',')) {
    const [k, v] = field.split('=', 2) as [string, string | undefined];
    m[k.trim().toLowerCase()] = v === undefined ? 'true' : v;
  }
  const type = m.type ?? 'volume';
  const target = m.target ?? m.destination ?? m.dst;
  if (!target) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: target is required`);
  const ro = ['true', '1'].includes(m.readonly ?? m.ro ?? 'false');
  const out: Record<string, unknown> = { Type: type, Target: target, ReadOnly: ro };
  const source = m.source ?? m.src;
  if (source) out.Source = source;
  if (type === 'bind' && (m['bind-propagation'] || m['bind-nonrecursive'])) {
    out.BindOptions = { ...(m['bind-propagation'] ? { Propagation: m['bind-propagation'] } : {}), ...(['true', '1'].includes(m['bind-nonrecursive'] ?? '') ? { NonRecursive: true } : {}) };
  }
  if (type === 'volume' && m['volume-nocopy']) out.VolumeOptions = { NoCopy: m['volume-nocopy'] !== 'false' };
  if (type === 'tmpfs') out.TmpfsOptions = { ...(m['tmpfs-size'] ? { SizeBytes: parseMemory(m['tmpfs-size']) } : {}), ...(m['tmpfs-mode'] ? { Mode: Number.parseInt(m['tmpfs-mode'], 8) } : {}) };
  return out;
}

function devices(specs: readonly string[]): Array<Record<string, string>> {
  return specs.map((spec) => {
    try {
      return { ...parseDeviceSpec(spec) };
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
}

/** --pid and --uts as docker's client checks them. */
function namespaceMode(v: string | undefined, flag: 'pid' | 'uts'): string {
  if (v === undefined) return '';
  const ok = v === '' || v === 'host' || (flag === 'pid' && v.startsWith('container:') && v.length > 'container:'.length);
  if (!ok) throw new UsageError(`--${flag}: invalid ${flag.toUpperCase()} mode`);
  return v;
}

function cgroupnsMode(v: string): string {
  if (v !== 'host' && v !== 'private') throw new UsageError(`invalid argument "${v}" for "--cgroupns" flag: --cgroupns: invalid CGROUP mode`);
  return v;
}

function sysctls(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const i = spec.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid argument "${spec}" for "--sysctl" flag: sysctl '${spec}' is not whitelisted`);
    out[spec.slice(0, i)] = spec.slice(i + 1);
  }
  return out;
}

/** --link as docker 20.10's client takes it: not with a --network that is not a user-defined one. */
function links(specs: readonly string[], network: string | undefined): string[] {
  for (const l of specs) {
    if (l === '' || l.split(':').length > 2) throw new UsageError(`invalid argument "${l}" for "--link" flag: bad format for links: ${l}`);
  }
  const userDefined = network !== undefined && !['default', 'bridge', 'host', 'none'].includes(network) && !network.startsWith('container:');
  if (specs.length && network !== undefined && !userDefined) throw new UsageError('links are only supported for user-defined networks');
  return [...specs];
}

function parseUlimit(s: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(s);
  if (!m) throw new UsageError(`invalid ulimit argument: ${s}`);
  const soft = Number(m[2]);
  return { Name: m[1]!, Soft: soft, Hard: m[3] === undefined ? soft : Number(m[3]) };
}

function memory(v: string | undefined, flag: string): number {
  if (v === undefined) return 0;
  try {
    return parseMemory(v);
  } catch {
    throw new UsageError(`invalid argument "${v}" for "${flag}" flag: invalid size: '${v}'`);
  }
}

export function createBody(args: ContainerArgs, detached: boolean): Record<string, unknown> {
  const { exposed, bindings } = parsePublish(args.publish);
  const labels: Record<string, string> = {};
  for (const l of args.label) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  const tmpfs: Record<string, string> = {};
  for (const t of args.tmpfs) {
    const i = t.indexOf(':');
    tmpfs[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  const logConfig: Record<string, string> = {};
  for (const o of args['log-opt']) {
    const i = o.indexOf('=');
    if (i < 0) throw new UsageError(`invalid log-opt: ${o}`);
    logConfig[o.slice(0, i)] = o.slice(i + 1);
  }
  if (args.cpus !== undefined && (!Number.isFinite(args.cpus) || args.cpus < 0)) throw new UsageError(`invalid argument for "--cpus" flag`);
  const attach = !detached;
  return {
    Hostname: args.hostname ?? '',
    User: args.user ?? '',
    AttachStdin: attach && args.interactive,
    AttachStdout: attach,
    AttachStderr: attach,
    Tty: args.tty,
    OpenStdin: args.interactive,
    StdinOnce: attach && args.interactive,
    Env: envList(args),
    Cmd: commandOf(args),
    Image: args.image,
    WorkingDir: args.workdir ?? '',
    Entrypoint: args.entrypoint === undefined ? null : [args.entrypoint],
    Labels: labels,
    ExposedPorts: { ...parseExpose(args.expose), ...exposed },
    ...(args.domainname ? { Domainname: args.domainname } : {}),
    ...(args['stop-signal'] ? { StopSignal: args['stop-signal'] } : {}),
    ...(args['stop-timeout'] !== undefined ? { StopTimeout: args['stop-timeout'] } : {}),
    ...healthcheckOf(args),
    HostConfig: {
      Binds: args.volume,
      Mounts: args.mount.map(parseMount),
      Tmpfs: tmpfs,
      NetworkMode: args.network ?? 'default',
      PortBindings: bindings,
      PublishAllPorts: args['publish-all'],
      Dns: args.dns,
      DnsSearch: args['dns-search'],
      DnsOptions: args['dns-option'],
      RestartPolicy: parseRestart(args.restart),
      AutoRemove: args.rm,
      CapAdd: args['cap-add'],
      CapDrop: args['cap-drop'],
      ExtraHosts: args['add-host'],
      Devices: devices(args.device),
      DeviceCgroupRules: args['device-cgroup-rule'],
      GroupAdd: args['group-add'],
      PidMode: namespaceMode(args.pid, 'pid'),
      IpcMode: args.ipc ?? '',
      UTSMode: namespaceMode(args.uts, 'uts'),
      Links: links(args.link, args.network),
      VolumesFrom: args['volumes-from'],
      Sysctls: sysctls(args.sysctl),
      OomScoreAdj: args['oom-score-adj'] ?? 0,
      MemorySwappiness: args['memory-swappiness'] ?? -1,
      ...(args.cgroupns !== undefined ? { CgroupnsMode: cgroupnsMode(args.cgroupns) } : {}),
      Privileged: args.privileged,
      ReadonlyRootfs: args['read-only'],
      SecurityOpt: args['security-opt'],
      ShmSize: memory(args['shm-size'], '--shm-size'),
      Init: args.init ? true : null,
      LogConfig: { Type: 'json-file', Config: logConfig },
      Memory: memory(args.memory, '--memory'),
      MemorySwap: memory(args['memory-swap'], '--memory-swap'),
      NanoCpus: args.cpus === undefined ? 0 : Math.round(args.cpus * 1e9),
      CpuShares: args['cpu-shares'] ?? 0,
      PidsLimit: args['pids-limit'] ?? null,
      Ulimits: args.ulimit.map(parseUlimit),
    },
    NetworkingConfig: networkingConfig(args),
  };
}

/** The Healthcheck from --health-* and --no-healthcheck, with docker's client's checks and messages. */
function healthcheckOf(args: ContainerArgs): { Healthcheck?: Record<string, unknown> } {
  const durations = (['interval', 'timeout', 'start-period'] as const).map((k) => {
    const v = args[`health-${k}`];
    if (v === undefined) return 0;
    const ms = parseGoDuration(v);
    if (ms === undefined) throw new UsageError(`invalid argument "${v}" for "--health-${k}" flag: time: invalid duration "${v}"`);
    if (ms < 0) throw new UsageError(`--health-${k} cannot be negative`);
    return Math.round(ms * 1_000_000);
  });
  const retries = args['health-retries'];
  const haveSettings = args['health-cmd'] !== undefined || args['health-interval'] !== undefined || args['health-timeout'] !== undefined || args['health-start-period'] !== undefined || retries !== undefined;
  if (!args.healthcheck) {
    if (haveSettings) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    return { Healthcheck: { Test: ['NONE'] } };
  }
  if (!haveSettings) return {};
  if (retries !== undefined && retries < 0) throw new UsageError('--health-retries cannot be negative');
  const [Interval, Timeout, StartPeriod] = durations;
  return { Healthcheck: { Test: args['health-cmd'] !== undefined ? ['CMD-SHELL', args['health-cmd']] : [], Interval, Timeout, StartPeriod, Retries: retries ?? 0 } };
}
