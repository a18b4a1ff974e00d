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
  c.root = str(doc['root'], 'root') ?? c.root;
  c.state = str(doc['state'], 'state') ?? c.state;
  c.address = str(table(doc['grpc'], 'grpc')['address'], 'grpc.address') ?? c.address;
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
    const username = str(auth['username'], 'username');
    const password = str(auth['password'], 'password');
    if (username !== undefined && password !== undefined) auths[host] = { username, password };
    const tls = table(t['tls'], `registry.configs.${host}.tls`);
    if (tls['insecure_skip_verify'] === true || t['plain_http'] === true) insecure.push(host);
  }
  c.registry = { mirrors, insecure, auths, credentialsFile: str(reg['credentials_file'], 'registry.credentials_file') ?? DEFAULTS.registry.credentialsFile ?? '' };
  const plugins = table(doc['plugins'], 'plugins');
  const transfer = table(plugins['transfer'], 'plugins.transfer');
  const mcd = transfer['max_concurrent_downloads'];
  if (mcd !== undefined) {
    if (typeof mcd !== 'number' && typeof mcd !== 'bigint') throw invalidArgument('config: plugins.transfer.max_concurrent_downloads must be a number');
    c.maxConcurrentDownloads = Math.max(1, Number(mcd));
  }
  const snap = str(transfer['snapshotter'], 'plugins.transfer.snapshotter');
  if (snap) c.defaultSnapshotter = snap;
  if (transfer['allow_devices_in_layers'] === true) c.allowDevicesInLayers = true;
  const tasks = table(plugins['tasks'], 'plugins.tasks');
  const shim = str(tasks['shim_binary'], 'plugins.tasks.shim_binary');
  if (shim !== undefined) c.shimBinary = shim;
  if (tasks['shim_idle_timeout'] !== undefined) c.shimIdleMs = durationMs(tasks['shim_idle_timeout'], 'plugins.tasks.shim_idle_timeout');
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
