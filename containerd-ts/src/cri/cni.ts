// Running CNI plugins as the CNI spec says: the network list's plugins in order for ADD (each gets the
// previous result as prevResult), in reverse for DEL and CHECK; parameters in CNI_* environment
// variables, the plugin's config on stdin, its result or error as JSON on stdout. The ADD result is
// cached (atomically) per sandbox so DEL gets it even after a daemon restart.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/sys/atomic-file.js';
import { validateIdentifier } from '../core/namespaces/context.js';
import type { CniNetworkList } from './cni-config.js';

export interface CniAttachment {
  /** The sandbox id (CNI_CONTAINERID). */
  id: string;
  /** Path of the pod's network namespace (CNI_NETNS); may be gone by DEL time. */
  netns: string;
  ifName: string;
  /** K8S_POD_* and friends, passed in CNI_ARGS. */
  args: Record<string, string>;
  /** Capability arguments (e.g. portMappings) for plugins that declare them. */
  capabilities: Record<string, unknown>;
}

export interface CniResult {
  cniVersion?: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
  [k: string]: unknown;
}

/** A plugin's error, with the code and message it reported. */
export class CniError extends Error {
  constructor(
    readonly plugin: string,
    readonly command: string,
    readonly code: number | undefined,
    message: string,
  ) {
    super(`cni plugin ${plugin} failed (${command}): ${message}`);
    this.name = 'CniError';
  }
}

export class CniRunner {
  constructor(
    private readonly binDir: string,
    /** Where ADD results are cached, one file per sandbox. */
    private readonly cacheDir: string,
  ) {}

  private cacheFile(id: string): string {
    return path.join(this.cacheDir, `${validateIdentifier('sandbox', id)}.json`);
  }

  private exec(plugin: string, command: string, a: CniAttachment, stdin: Record<string, unknown>): Promise<CniResult | undefined> {
    const bin = path.join(this.binDir, plugin);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: a.id,
      CNI_NETNS: a.netns,
      CNI_IFNAME: a.ifName,
      CNI_PATH: this.binDir,
      CNI_ARGS: Object.entries({ IgnoreUnknown: '1', ...a.args })
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
    };
    return new Promise((resolve, reject) => {
      const child = spawn(bin, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', (e) => reject(new CniError(plugin, command, undefined, e.message)));
      child.on('close', (code) => {
        if (code === 0) {
          if (out.trim() === '') return resolve(undefined);
          try {
            return resolve(JSON.parse(out) as CniResult);
          } catch {
            return reject(new CniError(plugin, command, undefined, `unreadable result ${JSON.stringify(out.slice(0, 200))}`));
          }
        }
        let msg = err.trim() || `exit status ${code}`;
        let c: number | undefined;
        try {
          const e = JSON.parse(out) as { code?: number; msg?: string; details?: string };
          c = e.code;
          msg = [e.msg, e.details].filter(Boolean).join(': ') || msg;
        } catch {
          // not a CNI error object
        }
        reject(new CniError(plugin, command, c, msg));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(stdin));
    });
  }

  /** The config one plugin of the list receives. */
  private pluginConf(net: CniNetworkList, i: number, a: CniAttachment, prevResult: CniResult | undefined): Record<string, unknown> {
    const plugins = Array.isArray(net.raw['plugins']) ? (net.raw['plugins'] as Record<string, unknown>[]) : [net.raw];
    const p: Record<string, unknown> = { ...(plugins[i] as Record<string, unknown>), name: net.name, cniVersion: net.cniVersion };
    const caps = p['capabilities'];
    if (caps && typeof caps === 'object') {
      const rc: Record<string, unknown> = {};
      for (const [k, on] of Object.entries(caps as Record<string, unknown>)) if (on === true && a.capabilities[k] !== undefined) rc[k] = a.capabilities[k];
      if (Object.keys(rc).length) p['runtimeConfig'] = rc;
    }
    delete p['capabilities'];
    if (prevResult) p['prevResult'] = prevResult;
    return p;
  }

  /** ADD through the whole list; on failure the plugins already run are torn down again. */
  async add(net: CniNetworkList, a: CniAttachment): Promise<CniResult> {
    const cache = this.cacheFile(a.id);
    let result: CniResult | undefined;
    try {
      for (let i = 0; i < net.types.length; i++) {
        result = (await this.exec(net.types[i] as string, 'ADD', a, this.pluginConf(net, i, a, result))) ?? result;
      }
    } catch (err) {
      await this.del(net, a, result).catch(() => undefined);
      throw err;
    }
    const res = result ?? {};
    fs.mkdirSync(this.cacheDir, { recursive: true, mode: 0o700 });
    writeFileAtomic(cache, JSON.stringify({ network: net.name, netns: a.netns, ifName: a.ifName, result: res }));
    return res;
  }

  /** The cached ADD result of a sandbox, if any. */
  cached(id: string): { network: string; netns: string; ifName: string; result: CniResult } | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.cacheFile(id), 'utf8')) as { network: string; netns: string; ifName: string; result: CniResult };
    } catch {
      return undefined;
    }
  }

  /**
   * DEL in reverse order; succeeds when already deleted (plugins must tolerate that, per the spec).
   * Every plugin gets its DEL even when an earlier one fails (an address must not stay allocated
   * because a port mapping could not be removed); the first failure is thrown afterwards.
   */
  async del(net: CniNetworkList, a: CniAttachment, prevResult?: CniResult): Promise<void> {
    const cache = this.cacheFile(a.id);
    const prev = prevResult ?? this.cached(a.id)?.result;
    let first: unknown;
    for (let i = net.types.length - 1; i >= 0; i--) {
      try {
        await this.exec(net.types[i] as string, 'DEL', a, this.pluginConf(net, i, a, prev));
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
    fs.rmSync(cache, { force: true });
  }

  /** CHECK in order, with the cached result; a plugin's complaint is thrown. */
  async check(net: CniNetworkList, a: CniAttachment): Promise<void> {
    const prev = this.cached(a.id)?.result;
    if (!prev) throw new CniError(net.types[0] ?? '?', 'CHECK', undefined, `no cached ADD result for ${a.id}`);
    for (let i = 0; i < net.types.length; i++) await this.exec(net.types[i] as string, 'CHECK', a, this.pluginConf(net, i, a, prev));
  }
}

/** The first IPv4 (else any) address of a result, without its prefix length. */
export function podIp(r: CniResult): string | undefined {
  const ips = (r.ips ?? []).map((x) => x.address.split('/')[0] as string);
  return ips.find((ip) => ip.includes('.')) ?? ips[0];
}

/**
 * Writes a default bridge network to confDir when it holds no network config, so pods have a network
 * out of the box (the pod's loopback is brought up by the loopback plugin on its own, as containerd does) (atomically: a half-written conf must never be read).
 */
export function writeDefaultConf(confDir: string, opts: { bridge: string; subnet: string; dataDir?: string }): string | undefined {
  fs.mkdirSync(confDir, { recursive: true, mode: 0o755 });
  if (fs.readdirSync(confDir).some((n) => /\.(conf|conflist|json)$/.test(n))) return undefined;
  const ipam: Record<string, unknown> = { type: 'host-local', ranges: [[{ subnet: opts.subnet }]], routes: [{ dst: '0.0.0.0/0' }] };
  if (opts.dataDir) ipam['dataDir'] = opts.dataDir;
  const conf = {
    cniVersion: '1.0.0',
    name: 'containerd-ts-net',
    plugins: [
      { type: 'bridge', bridge: opts.bridge, isGateway: true, ipMasq: true, hairpinMode: true, ipam },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  const file = path.join(confDir, '10-containerd-ts-net.conflist');
  writeFileAtomic(file, JSON.stringify(conf, null, 2) + '\n');
  return file;
}
