// The files a container gets from the engine: /etc/hostname, /etc/hosts and /etc/resolv.conf,
// kept in its directory and bound into it (the host's own copies for --network host).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DEFAULT_DNS = ['8.8.8.8', '8.8.4.4'];

/** The host's resolv.conf without loopback nameservers (unreachable from a private namespace). */
export function containerResolvConf(hostNetwork: boolean): string {
  let text = '';
  try {
    text = fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // no resolv.conf on the host
  }
  if (hostNetwork) return text;
  const lines = text.split('\n').filter((l) => !/^\s*nameserver\s+(127\.|::1\s*$|::1$)/.test(l));
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) lines.push(...DEFAULT_DNS.map((d) => `nameserver ${d}`));
  return `${lines.filter((l, i) => l !== '' || i < lines.length - 1).join('\n').trimEnd()}\n`;
}

export function containerFilePaths(dir: string): { hostnamePath: string; hostsPath: string; resolvConfPath: string } {
  return { hostnamePath: path.join(dir, 'hostname'), hostsPath: path.join(dir, 'hosts'), resolvConfPath: path.join(dir, 'resolv.conf') };
}

export function writeContainerFiles(dir: string, hostname: string, hostNetwork: boolean, extraHosts: readonly string[] = []): { hostnamePath: string; hostsPath: string; resolvConfPath: string } {
  const { hostnamePath, hostsPath, resolvConfPath } = containerFilePaths(dir);
  fs.writeFileSync(hostnamePath, `${hostname}\n`, { mode: 0o644 });
  let hosts: string;
  if (hostNetwork) {
    try {
      hosts = fs.readFileSync('/etc/hosts', 'utf8');
    } catch {
      hosts = '127.0.0.1\tlocalhost\n';
    }
  } else {
    hosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', ''].join('\n');
  }
  for (const h of extraHosts) {
    const i = h.lastIndexOf(':');
    if (i > 0) hosts += `${h.slice(i + 1)}\t${h.slice(0, i)}\n`;
  }
  fs.writeFileSync(hostsPath, hosts, { mode: 0o644 });
  fs.writeFileSync(resolvConfPath, containerResolvConf(hostNetwork), { mode: 0o644 });
  return { hostnamePath, hostsPath, resolvConfPath };
}

export function hostHostname(): string {
  return os.hostname();
}
