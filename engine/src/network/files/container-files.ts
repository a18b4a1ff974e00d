// Writes a container's /etc/hosts, /etc/resolv.conf and /etc/hostname sources into its files dir.
// The first write is a rename into place (never a torn file) without fsync: the files are
// rendered from the state, which is what must survive a crash. Later writes (network connect or
// disconnect) rewrite the same inode in place, because the engine bind-mounts these files into
// the running container.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SandboxRecord } from '../state/records.js';
import { renderHostsFile } from './hosts-file.js';
import { renderResolvConf } from './resolv-conf.js';

export interface ContainerFilePaths {
  hostsPath: string;
  resolvConfPath: string;
  hostnamePath: string;
}

export interface ContainerFileContents {
  hosts: string;
  resolvConf: string;
  hostname: string;
}

export function filePaths(filesDir: string): ContainerFilePaths {
  return { hostsPath: path.join(filesDir, 'hosts'), resolvConfPath: path.join(filesDir, 'resolv.conf'), hostnamePath: path.join(filesDir, 'hostname') };
}

export function renderContainerFiles(sb: SandboxRecord): ContainerFileContents {
  const spec = { hostname: sb.hostname, addresses: sb.endpoints.filter((e) => !e.pending).map((e) => e.ip), extraHosts: sb.extraHosts };
  return {
    hosts: renderHostsFile(sb.domainname ? { ...spec, domainname: sb.domainname } : spec),
    resolvConf: renderResolvConf(sb.resolvConf),
    hostname: `${sb.hostname}\n`,
  };
}

export function writeContainerFiles(sb: SandboxRecord, inPlace: boolean): ContainerFileContents {
  const c = renderContainerFiles(sb);
  const p = filePaths(sb.filesDir);
  fs.mkdirSync(sb.filesDir, { recursive: true, mode: 0o711 });
  const write = (file: string, text: string): void => {
    if (inPlace && fs.existsSync(file)) {
      fs.writeFileSync(file, text);
    } else {
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, text, { mode: 0o644 });
      fs.renameSync(tmp, file);
    }
  };
  write(p.hostsPath, c.hosts);
  write(p.resolvConfPath, c.resolvConf);
  write(p.hostnamePath, c.hostname);
  return c;
}
