// engined's configuration: daemon.json (dockerd's key names and checks) and flags. As with dockerd, a
// setting given both as a flag and in the file is refused, and every value is checked before anything
// starts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Ulimit } from './state/container-record.js';
import { checkHost, checkInsecureRegistry, checkMirror, DaemonJsonError, FLAG_KEYS, parseDaemonJson, type DaemonJson } from './daemon-json.js';
import { ipv4Subnet } from './networking/bip.js';

export interface DaemonConfig {
  /** The daemon.json read at start and on SIGHUP. */
  configFile: string;
  dataRoot: string;
  execRoot: string;
  /** unix:///path or tcp://host:port */
  hosts: string[];
  containerd: string;
  containerdNamespace: string;
  cgroupParent: string;
  registryMirrors: string[];
  insecureRegistries: string[];
  logOpts: { maxSize: string; maxFile: number };
  defaultUlimits: Ulimit[];
  initPath?: string;
  pidfile: string;
  debug: boolean;
  /** The daemon's labels (`engine info`). */
  labels: string[];
  /** Blobs a pull downloads at once (dockerd's default 3). */
  maxConcurrentDownloads: number;
  /** Blobs a push uploads at once (dockerd's default 5). */
  maxConcurrentUploads: number;
  /** The default bridge: `none` for no default network (containers get --network none then). */
  bridge: string;
  /** The default bridge's address and prefix (Docker's `bip`, e.g. 172.17.0.1/16). */
  bip?: string;
  /** Where networks created without --subnet get theirs. */
  defaultAddressPools?: Array<{ base: string; size: number }>;
}

export const DEFAULT_SOCKET = '/run/engine/engine.sock';
export const DEFAULT_CONFIG_FILE = '/etc/engine/daemon.json';
export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 5;

type Flags = ReturnType<typeof parseFlags>;

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'config-file': { type: 'string' },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      host: { type: 'string', short: 'H', multiple: true },
      containerd: { type: 'string' },
      'containerd-namespace': { type: 'string' },
      'cgroup-parent': { type: 'string' },
      'registry-mirror': { type: 'string', multiple: true },
      'insecure-registry': { type: 'string', multiple: true },
      'init-path': { type: 'string' },
      pidfile: { type: 'string', short: 'p' },
      debug: { type: 'boolean', short: 'D' },
      bridge: { type: 'string', short: 'b' },
      bip: { type: 'string' },
    },
    strict: true,
  });
  return values;
}

/** The error dockerd gives for a file it cannot use, with engined's name. */
function fileError(file: string, msg: string): Error {
  return new DaemonJsonError(`unable to configure engined with file ${file}: ${msg}`);
}

/** Reads and checks the file (absent: {} unless it was named with --config-file), and refuses flag/file duplicates. */
function readDaemonJson(flags: Flags): { file: string; json: DaemonJson } {
  const file = flags['config-file'] ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && flags['config-file'] === undefined) return { file, json: {} };
    throw fileError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  // An empty file is no configuration, as dockerd takes it.
  if (!text.trim()) return { file, json: {} };
  let json: DaemonJson;
  try {
    json = parseDaemonJson(text);
  } catch (err) {
    throw fileError(file, (err as Error).message);
  }
  const conflicts = Object.entries(FLAG_KEYS)
    .filter(([flag, key]) => flags[flag as keyof Flags] !== undefined && key in json)
    .map(([flag, key]) => `${key}: (from flag: ${String(flags[flag as keyof Flags])}, from file: ${Array.isArray(json[key]) ? (json[key] as string[]).join(',') : String(json[key])})`);
  if (conflicts.length) throw fileError(file, `the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`);
  return { file, json };
}

function checkFlags(flags: Flags): void {
  try {
    for (const h of flags.host ?? []) checkHost(h, '-H');
    for (const m of flags['registry-mirror'] ?? []) checkMirror(m, '--registry-mirror');
    for (const r of flags['insecure-registry'] ?? []) checkInsecureRegistry(r, '--insecure-registry');
  } catch (err) {
    throw new DaemonJsonError((err as Error).message);
  }
  if (flags.bip !== undefined) ipv4Subnet(flags.bip);
  if (flags.bridge !== undefined && flags.bridge !== 'none' && !/^[A-Za-z0-9_.-]{1,15}$/.test(flags.bridge)) throw new DaemonJsonError(`invalid value for --bridge: ${JSON.stringify(flags.bridge)} is not a valid interface name or "none"`);
}

/** The configuration from the flags and the file; throws (naming the key) before anything is started. */
export function loadConfig(argv: string[]): DaemonConfig {
  return readConfig(argv).config;
}

/** The configuration and the file's own keys (a reload applies only those, as dockerd does). */
export function readConfig(argv: string[]): { config: DaemonConfig; json: DaemonJson } {
  const flags = parseFlags(argv);
  const { file, json } = readDaemonJson(flags);
  checkFlags(flags);
  return { config: configFrom(flags, file, json), json };
}

function configFrom(flags: Flags, file: string, json: DaemonJson): DaemonConfig {
  const dataRoot = path.resolve(flags['data-root'] ?? json['data-root'] ?? '/var/lib/engine');
  const execRoot = path.resolve(flags['exec-root'] ?? json['exec-root'] ?? '/run/engine');
  const opts = json['log-opts'] ?? {};
  const initPath = flags['init-path'] ?? json['init-path'];
  const bip = flags.bip ?? json.bip;
  return {
    configFile: file,
    dataRoot,
    execRoot,
    hosts: flags.host ?? json.hosts ?? [`unix://${DEFAULT_SOCKET}`],
    containerd: flags.containerd ?? json.containerd ?? '/run/containerd-ts/containerd-ts.sock',
    containerdNamespace: flags['containerd-namespace'] ?? json['containerd-namespace'] ?? 'engine',
    cgroupParent: flags['cgroup-parent'] ?? json['cgroup-parent'] ?? '/engine',
    registryMirrors: flags['registry-mirror'] ?? json['registry-mirrors'] ?? [],
    insecureRegistries: flags['insecure-registry'] ?? json['insecure-registries'] ?? [],
    // Rotation on by default (Docker keeps one unbounded file unless told otherwise).
    logOpts: { maxSize: opts['max-size'] ?? '10m', maxFile: Number(opts['max-file'] ?? '3') },
    defaultUlimits: Object.values(json['default-ulimits'] ?? {}),
    ...(initPath ? { initPath } : {}),
    pidfile: flags.pidfile ?? json.pidfile ?? path.join(execRoot, 'engined.pid'),
    debug: flags.debug ?? json.debug ?? false,
    labels: json.labels ?? [],
    // 0 means the default, as dockerd takes it.
    maxConcurrentDownloads: json['max-concurrent-downloads'] || DEFAULT_MAX_CONCURRENT_DOWNLOADS,
    maxConcurrentUploads: json['max-concurrent-uploads'] || DEFAULT_MAX_CONCURRENT_UPLOADS,
    bridge: flags.bridge ?? json.bridge ?? 'engine0',
    ...(bip ? { bip } : {}),
    ...(json['default-address-pools'] ? { defaultAddressPools: json['default-address-pools'] } : {}),
  };
}
