// A container as the Engine API shows it: inspect's document and the list's summary.
import type { ContainerRecord } from '../state/container-record.js';
import type { EndpointSettings, NetworkAttachment } from '../networking/network-attacher.js';
import { dockerPortMap } from '../../network/index.js';
import { hostConfigView } from './host-config-view.js';
import { linksView } from './links.js';

const NO_ENDPOINT: EndpointSettings = { NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' };

/** NetworkSettings.Networks: what the container is attached to, or (stopped) what it will join. */
function networksView(rec: ContainerRecord, net: NetworkAttachment | undefined): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const configs = rec.NetworkingConfig?.EndpointsConfig ?? {};
  const attached = net?.networks;
  const names = attached ? Object.keys(attached) : [rec.HostConfig.NetworkMode, ...Object.keys(configs).filter((n) => n !== rec.HostConfig.NetworkMode)];
  for (const name of names) {
    if (name.startsWith('container:')) continue;
    const e = attached?.[name] ?? NO_ENDPOINT;
    const cfg = configs[name];
    out[name] = {
      IPAMConfig: cfg?.IPAMConfig ?? null,
      Links: null,
      Aliases: e.Aliases ?? cfg?.Aliases ?? null,
      NetworkID: e.NetworkID,
      EndpointID: e.EndpointID,
      Gateway: e.Gateway,
      IPAddress: e.IPAddress,
      IPPrefixLen: e.IPPrefixLen,
      IPv6Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      MacAddress: e.MacAddress,
      DriverOpts: null,
    };
  }
  return out;
}

/** `ps`'s Ports: each published port, and exposed ports that are not published. */
export function portSummaries(rec: ContainerRecord, net: NetworkAttachment | undefined): Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> {
  const out: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> = [];
  const published = new Set<string>();
  for (const p of net?.ports ?? []) {
    out.push({ IP: p.hostIp || '0.0.0.0', PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto });
    published.add(`${p.containerPort}/${p.proto}`);
  }
  if (rec.HostConfig.NetworkMode !== 'host') {
    for (const key of Object.keys(rec.Config.ExposedPorts ?? {})) {
      const [port = '', proto = 'tcp'] = key.split('/');
      if (!published.has(`${port}/${proto}`) && /^\d+$/.test(port)) out.push({ PrivatePort: Number(port), Type: proto });
    }
  }
  return out;
}

function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 1) return 'Less than a second';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? 'About a minute' : `${m} minutes`;
  const h = Math.round(m / 60);
  if (h < 48) return h === 1 ? 'About an hour' : `${h} hours`;
  const d = Math.round(h / 24);
  if (d < 14) return `${d} days`;
  return `${Math.round(d / 7)} weeks`;
}

/** `Up 5 seconds`, `Exited (0) 3 minutes ago`, `Created`… as docker ps prints. */
export function statusText(rec: ContainerRecord): string {
  const st = rec.State;
  switch (st.Status) {
    case 'running': {
      // docker's health suffix: (health: starting), (healthy), (unhealthy).
      const h = st.Health?.Status;
      return `Up ${ago(st.StartedAt)}${h ? (h === 'starting' ? ' (health: starting)' : ` (${h})`) : ''}`;
    }
    case 'paused':
      return `Up ${ago(st.StartedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${st.ExitCode}) ${ago(st.FinishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      return `Exited (${st.ExitCode}) ${ago(st.FinishedAt)} ago`;
    default:
      return 'Created';
  }
}

function mountsView(rec: ContainerRecord) {
  return rec.Mounts.map((m) => ({
    Type: m.Type,
    ...(m.Name ? { Name: m.Name } : {}),
    Source: m.Source,
    Destination: m.Destination,
    ...(m.Driver ? { Driver: m.Driver } : {}),
    Mode: m.Mode,
    RW: m.RW,
    Propagation: m.Propagation,
  }));
}

/** `nameOf` gives another container's name (`/name`) by ID, for the links inspect shows. */
export function inspectView(rec: ContainerRecord, net: NetworkAttachment | undefined, execIds: string[], graphDriver: Record<string, string>, nameOf: (id: string) => string | undefined = () => undefined) {
  const st = rec.State;
  // Docker fills the top-level address fields from the default bridge's endpoint only.
  const bridge = net?.networks.bridge;
  let ports: ReturnType<typeof dockerPortMap> = {};
  try {
    if (net && rec.HostConfig.NetworkMode !== 'host') ports = dockerPortMap(net.ports ?? [], Object.keys(rec.Config.ExposedPorts ?? {}));
  } catch {
    // an exposed port key the image got wrong: show the published ones only
    ports = dockerPortMap(net?.ports ?? []);
  }
  return {
    Id: rec.ID,
    Created: rec.Created,
    Path: rec.Path,
    Args: rec.Args,
    State: {
      Status: st.Status,
      Running: st.Status === 'running' || st.Status === 'paused',
      Paused: st.Status === 'paused',
      Restarting: st.Status === 'restarting',
      OOMKilled: st.OOMKilled,
      Dead: st.Status === 'dead',
      Pid: st.Pid,
      ExitCode: st.ExitCode,
      Error: st.Error,
      StartedAt: st.StartedAt,
      FinishedAt: st.FinishedAt,
      ...(st.Health ? { Health: st.Health } : {}),
    },
    Image: rec.Image,
    ResolvConfPath: rec.ResolvConfPath,
    HostnamePath: rec.HostnamePath,
    HostsPath: rec.HostsPath,
    LogPath: rec.LogPath,
    Name: rec.Name,
    RestartCount: rec.RestartCount,
    Driver: 'overlayfs',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length ? execIds : null,
    HostConfig: { ...hostConfigView(rec.HostConfig), Links: linksView(rec, nameOf) },
    GraphDriver: { Name: 'overlayfs', Data: graphDriver },
    Mounts: mountsView(rec),
    Config: rec.Config,
    NetworkSettings: {
      Bridge: '',
      SandboxID: net && typeof net.netns === 'string' ? rec.ID : '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: ports,
      SandboxKey: net && typeof net.netns === 'string' ? net.netns : (rec.NetNsPath ?? ''),
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: bridge?.EndpointID ?? '',
      Gateway: bridge?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: bridge?.IPAddress ?? '',
      IPPrefixLen: bridge?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: bridge?.MacAddress ?? '',
      Networks: networksView(rec, net),
    },
  };
}

export function summaryView(rec: ContainerRecord, imageName: string, net: NetworkAttachment | undefined) {
  return {
    Id: rec.ID,
    Names: [rec.Name],
    Image: imageName,
    ImageID: rec.Image,
    Command: [rec.Path, ...rec.Args].join(' '),
    Created: Math.floor(Date.parse(rec.Created) / 1000),
    Ports: portSummaries(rec, net),
    Labels: rec.Config.Labels,
    State: rec.State.Status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: rec.HostConfig.NetworkMode },
    NetworkSettings: { Networks: networksView(rec, net) },
    Mounts: mountsView(rec),
  };
}
