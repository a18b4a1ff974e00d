// Publishing a container's ports: the port proxy binds each host port (which is what reserves it,
// and where a port in use fails), then the DNAT rules are rendered from the state.
import type { NetContext } from './context.js';
import { NetworkError, conflict } from './errors.js';
import type { PortBinding, PortRequest } from './port-spec.js';
import { ProxyError } from './proxy/proxy-client.js';
import type { EndpointRecord, SandboxRecord } from './state/records.js';

function hostAddress(r: { hostIp: string }): string {
  return r.hostIp || '0.0.0.0';
}

function bindError(sb: SandboxRecord, ep: EndpointRecord, r: PortRequest, port: number, err: ProxyError): NetworkError {
  const where = r.hostPortEnd > r.hostPort ? `${hostAddress(r)}:${r.hostPort}-${r.hostPortEnd}` : `${hostAddress(r)}:${port}`;
  const why = err.code === 'EADDRINUSE' ? 'bind: address already in use' : err.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : err.message;
  return conflict(`driver failed programming external connectivity on endpoint ${sb.name} (${ep.id}): Error starting userland proxy: listen ${r.proto}4 ${where}: ${why}`);
}

async function bindOne(ctx: NetContext, sb: SandboxRecord, ep: EndpointRecord, r: PortRequest): Promise<PortBinding> {
  let last: ProxyError | undefined;
  for (let port = r.hostPort; port <= r.hostPortEnd; port++) {
    try {
      const hostPort = await ctx.proxy.add({ owner: sb.containerId, proto: r.proto, hostIp: r.hostIp, hostPort: port, targetIp: ep.ip, targetPort: r.containerPort });
      return { containerPort: r.containerPort, proto: r.proto, hostIp: r.hostIp, hostPort };
    } catch (err) {
      if (!(err instanceof ProxyError)) throw err;
      last = err;
      // Within a range, a busy port just means "try the next one".
      if (err.code !== 'EADDRINUSE') break;
    }
  }
  throw bindError(sb, ep, r, r.hostPort, last ?? new ProxyError('EADDRINUSE', 'in use'));
}

/** Binds every requested port to `ep`, recording each in `sb.ports` as it succeeds. */
export async function publishPorts(ctx: NetContext, sb: SandboxRecord, ep: EndpointRecord, requests: readonly PortRequest[]): Promise<void> {
  for (const r of requests) sb.ports.push(await bindOne(ctx, sb, ep, r));
}

/** Re-binds recorded ports with the same host ports (after the proxy process was lost). */
export async function republish(ctx: NetContext, sb: SandboxRecord, ep: EndpointRecord): Promise<string[]> {
  const problems: string[] = [];
  for (const b of sb.ports) {
    try {
      await ctx.proxy.add({ owner: sb.containerId, proto: b.proto, hostIp: b.hostIp, hostPort: b.hostPort, targetIp: ep.ip, targetPort: b.containerPort });
    } catch (err) {
      problems.push(`container ${sb.containerId}: cannot publish ${hostAddress(b)}:${b.hostPort}/${b.proto} again: ${(err as Error).message}`);
    }
  }
  return problems;
}

/** Stops the proxy's listeners for a container (without starting a proxy just for that). */
export async function unpublish(ctx: NetContext, containerId: string): Promise<void> {
  if (await ctx.proxy.running()) await ctx.proxy.remove(containerId);
}
