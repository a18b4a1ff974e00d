// Attaching a container to its networks, and taking it off again. The sandbox record (with every
// name needed for undoing) is saved before the first side effect; a failure at any step runs the
// same idempotent teardown as detach, so a failed attach leaves nothing behind, and a crash
// leaves a record that recovery tears down the same way.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetContext } from './context.js';
import { NetworkError, errorMessage, forbidden, notFound } from './errors.js';
import { writeContainerFiles } from './files/container-files.js';
import { containerDns } from './files/resolv-conf.js';
import { publishingEndpoint } from './host-setup.js';
import { configureContainerSide, createVeths, deleteLinks, setDefaultRoute, type ContainerInterface, type VethSpec } from './host/links.js';
import { createNetns, removeNetns } from './host/netns.js';
import { parseSubnet } from './ipv4.js';
import { findNetwork } from './networks.js';
import { publishPorts, unpublish } from './ports.js';
import { findSandbox, joinableNetwork, planEndpoint, planShared, planSandbox, readHostResolvConf, type AttachOptions, type EndpointRequest } from './sandbox-plan.js';
import type { EndpointRecord, NetworkRecord, SandboxRecord } from './state/records.js';

function networkOf(ctx: NetContext, ep: EndpointRecord): NetworkRecord {
  const n = ctx.store.data.networks[ep.networkId];
  if (!n?.bridge) throw new Error(`endpoint ${ep.id} refers to a missing network ${ep.networkId}`);
  return n;
}

function vethSpec(ctx: NetContext, sb: SandboxRecord, ep: EndpointRecord): VethSpec {
  const b = networkOf(ctx, ep).bridge!;
  return { hostName: ep.hostVeth, bridge: b.device, netnsPath: sb.netnsPath, ifname: ep.ifname, mac: ep.mac, mtu: b.mtu };
}

function containerInterface(ctx: NetContext, ep: EndpointRecord, withDefaultRoute: boolean): ContainerInterface {
  const b = networkOf(ctx, ep).bridge!;
  const i: ContainerInterface = { ifname: ep.ifname, address: `${ep.ip}/${parseSubnet(b.subnet)!.prefix}` };
  if (withDefaultRoute) i.defaultGateway = b.gateway;
  return i;
}

/** Whether the container resolves through the embedded DNS (it is on a user-defined network). */
function wantsDns(ctx: NetContext, sb: SandboxRecord): boolean {
  return !sb.sharedWith && sb.endpoints.some((e) => !ctx.store.data.networks[e.networkId]?.predefined);
}

async function step(ctx: NetContext, name: Parameters<NonNullable<NetContext['opts']['onAttachStep']>>[0], containerId: string): Promise<void> {
  await ctx.opts.onAttachStep?.(name, containerId);
}

export async function attach(ctx: NetContext, containerId: string, o: AttachOptions): Promise<SandboxRecord> {
  const state = ctx.store.data;
  if (o.container !== undefined) {
    const sb = planShared(state, containerId, o);
    state.sandboxes[containerId] = sb;
    ctx.store.save();
    return sb;
  }
  const filesDir = o.filesDir ?? path.join(ctx.opts.filesDir, containerId);
  const sb = planSandbox(state, containerId, o, { netnsPath: path.join(ctx.opts.netnsDir, containerId), filesDir, ownFilesDir: o.filesDir === undefined }, readHostResolvConf(ctx.opts.hostResolvConf));
  state.sandboxes[containerId] = sb;
  ctx.store.save();
  try {
    await step(ctx, 'recorded', containerId);
    fs.mkdirSync(ctx.opts.netnsDir, { recursive: true, mode: 0o755 });
    createNetns(sb.netnsPath);
    await step(ctx, 'netns', containerId);
    await ctx.host.ensureBridges(sb.endpoints.map((e) => networkOf(ctx, e)));
    await createVeths(ctx.run, sb.endpoints.map((e) => vethSpec(ctx, sb, e)));
    await step(ctx, 'veths', containerId);
    const gw = publishingEndpoint(sb, state.networks);
    await configureContainerSide(ctx.run, sb.netnsPath, sb.endpoints.map((e) => containerInterface(ctx, e, e === gw)), true);
    if (gw && sb.portRequests.length > 0) {
      // Not saved yet: a crash from here on finds the record 'attaching' and unpublishes by owner.
      await publishPorts(ctx, sb, gw, sb.portRequests);
      await step(ctx, 'ports', containerId);
      await ctx.host.syncRules();
      await step(ctx, 'rules', containerId);
    }
    if (wantsDns(ctx, sb)) await ctx.dns.serve(containerId, sb.netnsPath);
    await step(ctx, 'dns', containerId);
    writeContainerFiles(sb, false);
    await step(ctx, 'files', containerId);
    sb.status = 'ready';
    ctx.store.save();
    return sb;
  } catch (err) {
    try {
      await teardown(ctx, sb);
    } catch (cleanupErr) {
      // The record is gone either way; recovery's sweep removes whatever is left.
      if (err instanceof Error) err.message += ` (and cleaning up failed: ${errorMessage(cleanupErr)})`;
    }
    throw err;
  }
}

/**
 * Undoes everything an attach may have done, in any state, and drops the record. Each part
 * tolerates being already undone; a part that fails is reported after the rest has been tried.
 */
export async function teardown(ctx: NetContext, sb: SandboxRecord): Promise<void> {
  const problems: string[] = [];
  const attempt = async (what: string, op: () => unknown): Promise<void> => {
    try {
      await op();
    } catch (err) {
      problems.push(`${what}: ${errorMessage(err)}`);
    }
  };
  ctx.dns.stop(sb.containerId);
  const hadPorts = sb.ports.length > 0 || sb.portRequests.length > 0;
  if (!sb.sharedWith) {
    if (hadPorts) await attempt('unpublishing ports', () => unpublish(ctx, sb.containerId));
    await attempt('removing veths', () => deleteLinks(ctx.run, sb.endpoints.map((e) => e.hostVeth)));
    await attempt('removing the network namespace', () => removeNetns(sb.netnsPath));
  }
  if (sb.ownFilesDir) await attempt('removing files', () => fs.rmSync(sb.filesDir, { recursive: true, force: true }));
  delete ctx.store.data.sandboxes[sb.containerId];
  ctx.store.save();
  if (hadPorts) await attempt('updating iptables rules', () => ctx.host.syncRules());
  if (problems.length > 0) throw new NetworkError('internal', `detaching ${sb.containerId}: ${problems.join('; ')}`);
}

/** Takes a container off all its networks; false when it was not attached. */
export async function detach(ctx: NetContext, containerId: string): Promise<boolean> {
  const sb = ctx.store.data.sandboxes[containerId];
  if (!sb) return false;
  await teardown(ctx, sb);
  return true;
}

function runningSandbox(ctx: NetContext, containerRef: string): SandboxRecord {
  const sb = findSandbox(ctx.store.data, containerRef);
  if (!sb || sb.status !== 'ready') throw new NetworkError('conflict', `container ${containerRef} is not running (connect it in its configuration instead)`);
  if (sb.sharedWith) throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
  return sb;
}

/** `network connect`: a new endpoint for a running container. */
export async function connect(ctx: NetContext, containerRef: string, req: EndpointRequest): Promise<EndpointRecord> {
  const state = ctx.store.data;
  const sb = runningSandbox(ctx, containerRef);
  const net = findNetwork(state, req.network);
  if (!net.bridge) throw forbidden(`container cannot be disconnected from host network or connected to host network`);
  if (sb.endpoints.some((e) => e.networkId === net.id)) throw forbidden(`endpoint with name ${sb.name} already exists in network ${net.name}`);
  joinableNetwork(state, req);
  const hadGateway = publishingEndpoint(sb, state.networks);
  const hadDns = wantsDns(ctx, sb);
  const ep: EndpointRecord = { ...planEndpoint(state, sb.containerId, net, req, sb.endpoints), pending: true };
  sb.endpoints.push(ep);
  ctx.store.save();
  try {
    await ctx.host.ensureBridges([net]);
    await createVeths(ctx.run, [vethSpec(ctx, sb, ep)]);
    await configureContainerSide(ctx.run, sb.netnsPath, [containerInterface(ctx, ep, !hadGateway && !net.internal)], false);
    delete ep.pending;
    // Ports asked for while the container had no way out are published now that it has one.
    const gw = publishingEndpoint(sb, state.networks);
    if (!hadGateway && gw && sb.ports.length === 0 && sb.portRequests.length > 0) await publishPorts(ctx, sb, gw, sb.portRequests);
    if (!hadDns && wantsDns(ctx, sb)) {
      const dns = containerDns({ host: { nameservers: sb.resolvConf.nameservers, search: sb.resolvConf.search, options: [] }, dns: [], dnsSearch: [], dnsOptions: sb.resolvConf.options, embedded: true });
      sb.resolvConf = dns.conf;
      sb.dnsUpstreams = dns.upstreams;
      await ctx.dns.serve(sb.containerId, sb.netnsPath);
    }
    ctx.store.save();
    await ctx.host.syncRules();
    writeContainerFiles(sb, true);
    return ep;
  } catch (err) {
    await deleteLinks(ctx.run, [ep.hostVeth]).catch(() => undefined);
    sb.endpoints = sb.endpoints.filter((e) => e !== ep);
    ctx.store.save();
    throw err;
  }
}

/** `network disconnect`: removes the container's endpoint on that network. */
export async function disconnect(ctx: NetContext, containerRef: string, networkRef: string): Promise<void> {
  const state = ctx.store.data;
  const net = findNetwork(state, networkRef);
  const sb = findSandbox(state, containerRef);
  if (!net.bridge) throw forbidden('container cannot be disconnected from host network or connected to host network');
  const ep = sb?.endpoints.find((e) => e.networkId === net.id);
  if (!sb || !ep) throw notFound(`container ${containerRef} is not connected to network ${net.name}`);
  const gw = publishingEndpoint(sb, state.networks);
  await deleteLinks(ctx.run, [ep.hostVeth]);
  sb.endpoints = sb.endpoints.filter((e) => e !== ep);
  if (gw === ep) {
    // Its ports led to this endpoint's address; the default route went with its interface.
    await unpublish(ctx, sb.containerId);
    sb.ports = [];
    const next = publishingEndpoint(sb, state.networks);
    if (next) await setDefaultRoute(ctx.run, sb.netnsPath, networkOf(ctx, next).bridge!.gateway, next.ifname);
  }
  ctx.store.save();
  await ctx.host.syncRules();
  writeContainerFiles(sb, true);
}
