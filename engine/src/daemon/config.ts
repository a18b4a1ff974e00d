// engined's configuration: daemon.json (Docker's key names) overridden by flags.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Ulimit } from './state/container-record.js';

export interface DaemonConfig {
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
  /** The default bridge: `none` for no default network (containers get --network none then). */
  bridge: string;
  /** The default bridge's address and prefix (Docker's `bip`, e.g. 172.17.0.1/16). */
  bip?: string;
  /** Where networks created without --subnet get theirs. */
  defaultAddressPools?: Array<{ base: string; size: number }>;
}

export const DEFAULT_SOCKET = '/run/engine/engine.sock';

interface DaemonJson {
  'data-root'?: string;
  'exec-root'?: string;
  hosts?: string[];
  containerd?: string;
  'containerd-namespace'?: string;
  'cgroup-parent'?: string;
  'registry-mirrors'?: string[];
  'insecure-registries'?: string[];
  'log-driver'?: string;
  'log-opts'?: Record<string, string>;
  'default-ulimits'?: Record<string, { Name?: string; Soft: number; Hard: number }>;
  'init-path'?: string;
  pidfile?: string;
  debug?: boolean;
  bridge?: string;
  bip?: string;
  'default-address-pools'?: Array<{ base: string; size: number }>;
}

const KNOWN = new Set(['data-root', 'exec-root', 'hosts', 'containerd', 'containerd-namespace', 'cgroup-parent', 'registry-mirrors', 'insecure-registries', 'log-driver', 'log-opts', 'default-ulimits', 'init-path', 'pidfile', 'debug', 'bridge', 'bip', 'default-address-pools']);

export function loadConfig(argv: string[]): DaemonConfig {
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
  const file = values['config-file'] ?? '/etc/engine/daemon.json';
  let json: DaemonJson = {};
  if (fs.existsSync(file)) {
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8')) as DaemonJson;
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    const unknown = Object.keys(json).filter((k) => !KNOWN.has(k));
    if (unknown.length) throw new Error(`${file}: unknown configuration keys: ${unknown.join(', ')}`);
    if (json['log-driver'] && json['log-driver'] !== 'json-file') throw new Error(`${file}: only the json-file log driver is supported`);
  } else if (values['config-file']) {
    throw new Error(`${file}: no such file`);
  }
  const dataRoot = path.resolve(values['data-root'] ?? json['data-root'] ?? '/var/lib/engine');
  const execRoot = path.resolve(values['exec-root'] ?? json['exec-root'] ?? '/run/engine');
  const opts = json['log-opts'] ?? {};
  return {
    dataRoot,
    execRoot,
    hosts: values.host ?? json.hosts ?? [`unix://${DEFAULT_SOCKET}`],
    containerd: values.containerd ?? json.containerd ?? '/run/containerd-ts/containerd-ts.sock',
    containerdNamespace: values['containerd-namespace'] ?? json['containerd-namespace'] ?? 'engine',
    cgroupParent: values['cgroup-parent'] ?? json['cgroup-parent'] ?? '/engine',
    registryMirrors: [...(json['registry-mirrors'] ?? []), ...(values['registry-mirror'] ?? [])],
    insecureRegistries: [...(json['insecure-registries'] ?? []), ...(values['insecure-registry'] ?? [])],
    // Rotation on by default (Docker keeps one unbounded file unless told otherwise).
    logOpts: { maxSize: opts['max-size'] ?? '10m', maxFile: Number(opts['max-file'] ?? '3') },
    defaultUlimits: Object.entries(json['default-ulimits'] ?? {}).map(([name, u]) => ({ Name: u.Name ?? name, Soft: u.Soft, Hard: u.Hard })),
    ...(values['init-path'] ?? json['init-path'] ? { initPath: values['init-path'] ?? json['init-path'] } : {}),
    pidfile: values.pidfile ?? json.pidfile ?? path.join(execRoot, 'engined.pid'),
    debug: values.debug ?? json.debug ?? false,
    bridge: values.bridge ?? json.bridge ?? 'engine0',
    ...(values.bip ?? json.bip ? { bip: values.bip ?? json.bip } : {}),
    ...(json['default-address-pools'] ? { defaultAddressPools: json['default-address-pools'] } : {}),
  };
}
