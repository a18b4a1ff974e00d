// engine port CONTAINER [PRIVATE_PORT[/PROTO]]: the container's published ports, from inspect's
// NetworkSettings.Ports, as `80/tcp -> 0.0.0.0:8080` (or just the address for one port).
import type { Argv, CommandModule } from 'yargs';
import { api, exit, fail, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  container: string;
  port?: string | undefined;
}

type PortMap = Record<string, Array<{ HostIp: string; HostPort: string }> | null>;

/** The lines `engine port` prints; `filter` is `80` or `80/udp`. */
export function portLines(ports: PortMap, filter?: string): string[] {
  const wanted = filter === undefined ? undefined : filter.includes('/') ? filter : `${filter}/tcp`;
  const keys = Object.keys(ports).sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]) || a.localeCompare(b));
  const out: string[] = [];
  for (const key of keys) {
    if (wanted !== undefined && key !== wanted) continue;
    for (const b of ports[key] ?? []) out.push(`${wanted ? '' : `${key} -> `}${b.HostIp}:${b.HostPort}`);
  }
  return out;
}

export const port: CommandModule<GlobalArgs, Args> = {
  command: 'port <container> [port]',
  describe: 'List port mappings or a specific mapping for the container',
  builder: (y) => (y as Argv<GlobalArgs>).positional('container', { type: 'string', demandOption: true }).positional('port', { type: 'string', describe: 'PRIVATE_PORT[/PROTO]' }) as unknown as Argv<Args>,
  handler: async (a) => {
    if (a.port !== undefined && !/^\d{1,5}(\/(tcp|udp|sctp))?$/.test(a.port)) {
      process.stderr.write(`Error: invalid port ${a.port}: expected PORT[/PROTO]\n`);
      exit(1);
    }
    let ports: PortMap;
    try {
      ports = (await api(a).call<{ NetworkSettings: { Ports: PortMap | null } }>('GET', `/containers/${encodeURIComponent(a.container)}/json`)).NetworkSettings.Ports ?? {};
    } catch (err) {
      fail(err);
    }
    const lines = portLines(ports, a.port);
    if (a.port !== undefined && lines.length === 0) {
      process.stderr.write(`Error: No public port '${a.port.includes('/') ? a.port : `${a.port}/tcp`}' published for ${a.container}\n`);
      exit(1);
    }
    for (const l of lines) process.stdout.write(`${l}\n`);
    exit(0);
  },
};
