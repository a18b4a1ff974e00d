// The pause container's OCI spec: containerd's default spec, the sandbox image's command, and the
// pod's hostname, DNS files, cgroup and namespaces (a new network namespace unless the pod uses the
// node's network).
import * as fs from 'node:fs';
import type { ImageConfig } from '../core/images/manifest.js';
import { defaultSpec, DEFAULT_PATH_ENV } from '../client/oci/default-spec.js';
import type { OciSpec } from '../client/oci/spec.js';
import { invalidArgument } from '../core/errdefs.js';

export interface SandboxSpecInput {
  id: string;
  image: ImageConfig;
  hostname: string;
  cgroupsPath: string;
  hostNetwork: boolean;
  hostPid: boolean;
  hostIpc: boolean;
  /** Files bind-mounted read-only into the pod: /etc/resolv.conf, /etc/hostname, /etc/hosts. */
  files: { resolvConf: string; hostname: string; hosts: string };
  /** Namespaced sysctls of the pod (checked by checkSysctls), set in the pause's namespaces. */
  sysctls?: Record<string, string>;
  /**
   * A privileged pod: the pause mounts the pod netns's sysfs writable, since the kernel keeps one sysfs
   * superblock per network namespace and its first mount decides whether privileged containers can write it.
   */
  privileged?: boolean;
}

const IPC_SYSCTLS = new Set(['kernel.shmmax', 'kernel.shmall', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.msgmax', 'kernel.msgmni', 'kernel.msgmnb', 'kernel.sem']);

/**
 * A pod's sysctls must be namespaced (the kernel scopes them to the pod's network, IPC or UTS
 * namespace), and the pod must own that namespace: a node-wide setting is refused by name.
 */
export function checkSysctls(sysctls: Record<string, string>, ns: { hostNetwork: boolean; hostIpc: boolean }): void {
  for (const [k, v] of Object.entries(sysctls)) {
    const name = k.replace(/\//g, '.');
    if (!/^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$/.test(name) || /[\n\0]/.test(v)) throw invalidArgument(`RunPodSandbox: sysctl ${JSON.stringify(k)}=${JSON.stringify(v)} is not valid`);
    const ipc = IPC_SYSCTLS.has(name) || name.startsWith('fs.mqueue.');
    const net = name.startsWith('net.');
    if (!ipc && !net && name !== 'kernel.domainname') throw invalidArgument(`RunPodSandbox: sysctl ${k} is not namespaced: it would change the node`);
    if (net && ns.hostNetwork) throw invalidArgument(`RunPodSandbox: sysctl ${k} needs the pod's own network namespace (the pod uses the node's)`);
    if (ipc && ns.hostIpc) throw invalidArgument(`RunPodSandbox: sysctl ${k} needs the pod's own IPC namespace (the pod uses the node's)`);
  }
}

export function sandboxSpec(i: SandboxSpecInput): OciSpec {
  const spec = defaultSpec('k8s.io', i.id);
  const cfg = (i.image.config ?? {}) as { Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; WorkingDir?: string };
  const args = [...(cfg.Entrypoint ?? []), ...(cfg.Cmd ?? [])];
  if (args.length === 0) throw invalidArgument('the sandbox image has no command (Entrypoint or Cmd)');
  spec.process.args = args;
  spec.process.env = cfg.Env?.length ? [...cfg.Env] : [DEFAULT_PATH_ENV];
  spec.process.cwd = cfg.WorkingDir || '/';
  // On the node's network the pod keeps the node's UTS namespace, and so its hostname.
  if (!i.hostNetwork) spec.hostname = i.hostname;
  spec.linux.cgroupsPath = i.cgroupsPath;
  if (i.sysctls && Object.keys(i.sysctls).length) spec.linux.sysctl = { ...i.sysctls };
  if (i.privileged) spec.mounts = spec.mounts.map((m) => (m.type === 'sysfs' ? { ...m, options: (m.options ?? []).filter((o) => o !== 'ro').concat('rw') } : m));
  spec.linux.namespaces = spec.linux.namespaces.filter(
    (n) => !((n.type === 'network' && i.hostNetwork) || (n.type === 'pid' && i.hostPid) || (n.type === 'ipc' && i.hostIpc)),
  );
  if (i.hostNetwork) spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== 'uts');
  spec.mounts.push(
    { destination: '/etc/resolv.conf', type: 'bind', source: i.files.resolvConf, options: ['rbind', 'ro'] },
    { destination: '/etc/hostname', type: 'bind', source: i.files.hostname, options: ['rbind', 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: i.files.hosts, options: ['rbind', 'ro'] },
  );
  return spec;
}

/** resolv.conf from the pod's DNS config; the node's own when the pod gives none. */
export function resolvConf(dns: { servers: string[]; searches: string[]; options: string[] } | undefined, hostFile = '/etc/resolv.conf'): string {
  if (!dns || (dns.servers.length === 0 && dns.searches.length === 0 && dns.options.length === 0)) {
    try {
      return fs.readFileSync(hostFile, 'utf8');
    } catch {
      return '';
    }
  }
  const bad = [...dns.servers, ...dns.searches, ...dns.options].find((s) => /[\s#;]/.test(s) || s === '');
  if (bad !== undefined) throw invalidArgument(`dns_config: ${JSON.stringify(bad)} is not a valid entry`);
  const lines: string[] = [];
  if (dns.searches.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length) lines.push(`options ${dns.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

export function hostsFile(hostname: string, ip: string): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  if (ip) lines.push(`${ip}\t${hostname}`);
  return lines.join('\n') + '\n';
}
