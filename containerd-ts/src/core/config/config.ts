// The daemon's configuration: a TOML file shaped like containerd's (version 2), overridden by flags.
import * as fs from 'node:fs';
import { parse } from 'smol-toml';
import { invalidArgument } from '../errdefs.js';
import { isLevel, type Level } from '../log/logger.js';
import type { Credentials, RegistryHostsConfig } from '../remotes/hosts.js';
import { CRI_DEFAULTS, parseCriConfig, type CriConfig } from '../../cri/config.js';

export interface Config {
  root: string;
  state: string;
  address: string;
  logLevel: Level;
  disabledPlugins: string[];
  registry: RegistryHostsConfig;
  maxConcurrentDownloads: number;
  defaultSnapshotter: string;
  allowDevicesInLayers: boolean;
  /** The shim executable (default: the shim-ts of this stack). */
  shimBinary?: string;
  /** How long an idle namespace shim waits for the next task before it leaves. */
  shimIdleMs?: number;
  /** The CRI plugin's settings. */
  cri: CriConfig;
}

export const DEFAULTS: Config = {
  root: '/var/lib/containerd-ts',
  state: '/run/containerd-ts',
  address: '/run/containerd-ts/containerd-ts.sock',
  logLevel: 'info',
  disabledPlugins: [],
  registry: { credentialsFile: '/root/.docker/config.json' },
  maxConcurrentDownloads: 3,
  defaultSnapshotter: 'overlayfs',
  allowDevicesInLayers: false,
  cri: CRI_DEFAULTS,
};

type Table = Record<string, unknown>;

function table(v: unknown, where: string): Table {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidArgument(`config: ${where} must be a table`);
  return v as Table;
}

function str(v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidArgument(`config: ${where} must be a string`);
  return v;
}

function strings(v: unknown, where: string): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidArgument(`config: ${where} must be a list of strings`);
  return v as string[];
}

function bool(v: unknown, where: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalidArgument(`config: ${where} must be true or false`);
  return v;
}

function absolutePath(v: unknown, where: string): string | undefined {
  const s = str(v, where);
  if (s !== undefined && !s.startsWith('/')) throw invalidArgument(`config: ${where} must be an absolute path, got ${JSON.stringify(s)}`);
  return s;
}

/** A duration as containerd writes them ("30s", "5m", "500ms"); a bare number is seconds. */
function durationMs(v: unknown, where: string): number {
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) * 1000;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim()) : null;
  if (!m) throw invalidArgument(`config: ${where} must be a duration such as "30s" or "5m"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Parses a config file's text; unknown keys are ignored as containerd does. */
export function parseConfig(text: string, file = 'config'): Config {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    throw invalidArgument(`${file}: ${(err as Error).message}`);
  }
  const c: Config = { ...DEFAULTS, registry: { ...DEFAULTS.registry } };
  // containerd 1.6 reads versions 1 and 2; only the version 2 shape is implemented here.
  const version = doc['version'];
  if (version !== undefined && Number(version) !== 2) throw invalidArgument(`config: version = ${String(version)} is not supported: write the version 2 format (version = 2)`);
  c.root = absolutePath(doc['root'], 'root') ?? c.root;
  c.state = absolutePath(doc['state'], 'state') ?? c.state;
  if (c.root === c.state) throw invalidArgument('config: root and state must be different paths');
  c.address = absolutePath(table(doc['grpc'], 'grpc')['address'], 'grpc.address') ?? c.address;
  const level = str(table(doc['debug'], 'debug')['level'], 'debug.level');
  if (level !== undefined) {
    if (!isLevel(level)) throw invalidArgument(`config: debug.level ${JSON.stringify(level)} is not one of debug, info, warn, error`);
    c.logLevel = level;
  }
  c.disabledPlugins = strings(doc['disabled_plugins'], 'disabled_plugins') ?? [];
  const reg = table(doc['registry'], 'registry');
  const mirrors: Record<string, string[]> = {};
  for (const [host, m] of Object.entries(table(reg['mirrors'], 'registry.mirrors'))) {
    mirrors[host] = strings(table(m, `registry.mirrors.${host}`)['endpoint'], `registry.mirrors.${host}.endpoint`) ?? [];
  }
  const auths: Record<string, Credentials> = {};
  const insecure = [...(strings(reg['insecure'], 'registry.insecure') ?? [])];
  for (const [host, cfg] of Object.entries(table(reg['configs'], 'registry.configs'))) {
    const t = table(cfg, `registry.configs.${host}`);
    const auth = table(t['auth'], `registry.configs.${host}.auth`);
    const username = str(auth['username'], `registry.configs.${host}.auth.username`);
    const password = str(auth['password'], `registry.configs.${host}.auth.password`);
    if ((username === undefined) !== (password === undefined)) throw invalidArgument(`config: registry.configs.${host}.auth needs both username and password`);
    if (username !== undefined && password !== undefined) auths[host] = { username, password };
    const tls = table(t['tls'], `registry.configs.${host}.tls`);
    if (bool(tls['insecure_skip_verify'], `registry.configs.${host}.tls.insecure_skip_verify`) === true || bool(t['plain_http'], `registry.configs.${host}.plain_http`) === true) insecure.push(host);
  }
  c.registry = { mirrors, insecure, auths, credentialsFile: str(reg['credentials_file'], 'registry.credentials_file') ?? DEFAULTS.registry.credentialsFile ?? '' };
  const plugins = table(doc['plugins'], 'plugins');
  const transfer = table(plugins['transfer'], 'plugins.transfer');
  const mcd = transfer['max_concurrent_downloads'];
  if (mcd !== undefined) {
    if ((typeof mcd !== 'number' && typeof mcd !== 'bigint') || !Number.isInteger(Number(mcd)) || Number(mcd) < 1) throw invalidArgument(`config: plugins.transfer.max_concurrent_downloads must be a whole number of at least 1, got ${String(mcd)}`);
    c.maxConcurrentDownloads = Number(mcd);
  }
  const snap = str(transfer['snapshotter'], 'plugins.transfer.snapshotter');
  if (snap !== undefined && snap !== 'overlayfs') throw invalidArgument(`config: plugins.transfer.snapshotter ${JSON.stringify(snap)} is not available (containerd-ts has the overlayfs snapshotter)`);
  if (snap) c.defaultSnapshotter = snap;
  c.allowDevicesInLayers = bool(transfer['allow_devices_in_layers'], 'plugins.transfer.allow_devices_in_layers') ?? false;
  const tasks = table(plugins['tasks'], 'plugins.tasks');
  const shim = str(tasks['shim_binary'], 'plugins.tasks.shim_binary');
  if (shim !== undefined) c.shimBinary = shim;
  if (tasks['shim_idle_timeout'] !== undefined) {
    c.shimIdleMs = durationMs(tasks['shim_idle_timeout'], 'plugins.tasks.shim_idle_timeout');
    if (c.shimIdleMs < 0) throw invalidArgument('config: plugins.tasks.shim_idle_timeout cannot be negative');
  }
  c.cri = parseCriConfig(plugins);
  return c;
}

export function loadConfig(file: string | undefined): Config {
  if (!file) return { ...DEFAULTS, registry: { ...DEFAULTS.registry } };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw invalidArgument(`cannot read config ${file}: ${(err as Error).message}`);
  }
  return parseConfig(text, file);
}
