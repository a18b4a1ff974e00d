// Bridges and veth pairs through iproute2. Each step is one `ip -batch` run (one process for many
// changes); every removal tolerates "already gone", so teardown can always be repeated.
import { CommandError, type CommandRunner } from './command-runner.js';

export interface LinkInfo {
  ifname: string;
  master?: string;
  operstate?: string;
  kind?: string;
  addresses: string[];
}

interface IpJsonLink {
  ifname?: string;
  master?: string;
  operstate?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

export async function listLinks(run: CommandRunner): Promise<LinkInfo[]> {
  const { stdout } = await run.host(['ip', '-d', '-j', 'addr', 'show']);
  const parsed = JSON.parse(stdout || '[]') as IpJsonLink[];
  return parsed
    .filter((l): l is IpJsonLink & { ifname: string } => typeof l.ifname === 'string')
    .map((l) => {
      const info: LinkInfo = {
        ifname: l.ifname,
        addresses: (l.addr_info ?? []).filter((a) => a.family === 'inet' && a.local).map((a) => `${a.local}/${a.prefixlen ?? 32}`),
      };
      if (l.master) info.master = l.master;
      if (l.operstate) info.operstate = l.operstate;
      if (l.linkinfo?.info_kind) info.kind = l.linkinfo.info_kind;
      return info;
    });
}

export interface BridgeSpec {
  name: string;
  /** Gateway address with prefix, e.g. 10.1.0.1/24. */
  address: string;
  mtu: number;
}

/** Creates the bridge, or completes one that exists (address, mtu, up). */
export async function ensureBridge(run: CommandRunner, spec: BridgeSpec, existing: readonly LinkInfo[]): Promise<void> {
  const found = existing.find((l) => l.ifname === spec.name);
  if (found && found.kind !== 'bridge') throw new Error(`interface ${spec.name} exists and is not a bridge (${found.kind ?? 'unknown kind'})`);
  const cmds: string[] = [];
  if (!found) cmds.push(`link add name ${spec.name} mtu ${spec.mtu} type bridge`);
  if (!found?.addresses.includes(spec.address)) cmds.push(`addr add ${spec.address} dev ${spec.name}`);
  cmds.push(`link set ${spec.name} up`);
  await run.host(['ip', '-batch', '-'], `${cmds.join('\n')}\n`);
}

export interface VethSpec {
  hostName: string;
  bridge: string;
  netnsPath: string;
  ifname: string;
  mac: string;
  mtu: number;
}

/** Creates each pair with its container end already inside the namespace, and plugs the host end into the bridge. */
export async function createVeths(run: CommandRunner, veths: readonly VethSpec[]): Promise<void> {
  if (veths.length === 0) return;
  const cmds = veths.flatMap((v) => [
    `link add ${v.hostName} mtu ${v.mtu} type veth peer name ${v.ifname} address ${v.mac} mtu ${v.mtu} netns ${v.netnsPath}`,
    `link set ${v.hostName} master ${v.bridge} up`,
  ]);
  await run.host(['ip', '-batch', '-'], `${cmds.join('\n')}\n`);
}

export interface ContainerInterface {
  ifname: string;
  /** With prefix, e.g. 10.1.0.2/24. */
  address: string;
  /** Default route through this gateway. */
  defaultGateway?: string;
}

/** Inside the container's namespace: loopback up, addresses, links up, the default route. */
export async function configureContainerSide(run: CommandRunner, netnsPath: string, ifaces: readonly ContainerInterface[], loopback: boolean): Promise<void> {
  const cmds: string[] = loopback ? ['link set lo up'] : [];
  for (const i of ifaces) {
    cmds.push(`addr add ${i.address} broadcast + dev ${i.ifname}`, `link set ${i.ifname} up`);
    if (i.defaultGateway) cmds.push(`route replace default via ${i.defaultGateway} dev ${i.ifname}`);
  }
  if (cmds.length > 0) await run.inNetns(netnsPath, ['ip', '-batch', '-'], `${cmds.join('\n')}\n`);
}

export async function setDefaultRoute(run: CommandRunner, netnsPath: string, gateway: string, ifname: string): Promise<void> {
  await run.inNetns(netnsPath, ['ip', 'route', 'replace', 'default', 'via', gateway, 'dev', ifname]);
}

function isGone(err: unknown): boolean {
  return err instanceof CommandError && /Cannot find device|does not exist|No such device/i.test(err.stderr);
}

/** Deletes links by name (deleting one end of a veth removes both); missing ones are fine. */
export async function deleteLinks(run: CommandRunner, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  try {
    // -force keeps going past a missing link; the exit status then reports it.
    await run.host(['ip', '-force', '-batch', '-'], names.map((n) => `link del ${n}\n`).join(''));
  } catch (err) {
    if (!isGone(err)) throw err;
    // Some were missing: find out which still exist and retry those alone.
    const left = (await listLinks(run)).map((l) => l.ifname).filter((n) => names.includes(n));
    if (left.length > 0) await run.host(['ip', '-batch', '-'], left.map((n) => `link del ${n}\n`).join(''));
  }
}
