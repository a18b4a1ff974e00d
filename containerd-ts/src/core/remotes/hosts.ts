// Which endpoints serve a registry host, over which scheme, with which credentials. HTTPS unless the
// host is configured insecure or is a loopback address; mirrors are tried before the host itself.
import * as fs from 'node:fs';
import { invalidArgument } from '../errdefs.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryHostsConfig {
  /** host → mirror endpoints (`https://mirror.example` or `host:port`), tried in order for pulls. */
  mirrors?: Record<string, string[]>;
  /** Hosts (host or host:port) that may be reached over plain HTTP. */
  insecure?: string[];
  /** host → credentials. */
  auths?: Record<string, Credentials>;
  /** A Docker-style config.json whose `auths` entries are read too. */
  credentialsFile?: string;
}

export interface Endpoint {
  /** e.g. `https://registry-1.docker.io` */
  base: string;
  /** The host the credentials are looked up for. */
  host: string;
  mirror: boolean;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function apiHost(host: string): string {
  return host === 'docker.io' ? 'registry-1.docker.io' : host;
}

export class RegistryHosts {
  private readonly fileAuths = new Map<string, Credentials>();

  constructor(private readonly config: RegistryHostsConfig = {}) {
    if (config.credentialsFile && fs.existsSync(config.credentialsFile)) this.loadCredentialsFile(config.credentialsFile);
  }

  private loadCredentialsFile(file: string): void {
    let parsed: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
    } catch (err) {
      throw invalidArgument(`credentials file ${file}: ${(err as Error).message}`);
    }
    for (const [host, a] of Object.entries(parsed.auths ?? {})) {
      const key = host.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      if (a.auth) {
        const s = Buffer.from(a.auth, 'base64').toString('utf8');
        const i = s.indexOf(':');
        if (i > 0) this.fileAuths.set(key, { username: s.slice(0, i), password: s.slice(i + 1) });
      } else if (a.username !== undefined && a.password !== undefined) {
        this.fileAuths.set(key, { username: a.username, password: a.password });
      }
    }
  }

  plainHttpAllowed(host: string): boolean {
    return isLoopback(host) || (this.config.insecure ?? []).includes(host);
  }

  /** Endpoints for a registry host; `plainHttp` forces http for the host itself. */
  endpoints(host: string, opts: { pull: boolean; plainHttp?: boolean }): Endpoint[] {
    const out: Endpoint[] = [];
    if (opts.pull) {
      for (const m of this.config.mirrors?.[host] ?? []) {
        const hasScheme = /^https?:\/\//.test(m);
        const mhost = m.replace(/^https?:\/\//, '').replace(/\/+$/, '');
        const base = hasScheme ? m.replace(/\/+$/, '') : `${this.plainHttpAllowed(mhost) ? 'http' : 'https'}://${mhost}`;
        out.push({ base, host: mhost, mirror: true });
      }
    }
    if (opts.plainHttp && !this.plainHttpAllowed(host)) {
      throw invalidArgument(`plain HTTP to ${host} is not allowed: only loopback registries and those listed in [registry] insecure may use it`);
    }
    const scheme = this.plainHttpAllowed(host) ? 'http' : 'https';
    out.push({ base: `${scheme}://${apiHost(host)}`, host, mirror: false });
    return out;
  }

  credentials(host: string): Credentials | undefined {
    return this.config.auths?.[host] ?? this.fileAuths.get(host) ?? (host === 'docker.io' ? this.fileAuths.get('index.docker.io/v1') ?? this.fileAuths.get('index.docker.io') : undefined);
  }
}
