// Reconciles the state with what exists, after a daemon restart (including kill -9) or a host
// reboot. Records decide: an interrupted network create/remove is finished as a remove; a
// sandbox that was mid-attach, or whose container is no longer running, is torn down; a live one
// gets its bridges, rules, published ports and DNS back. Then a sweep removes what no record
// claims: namespace files, `ve-` links, files dirs, proxy listeners.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { teardown } from './attach.js';
import type { NetContext } from './context.js';
import { errorMessage } from './errors.js';
import { publishingEndpoint } from './host-setup.js';
import { deleteLinks, listLinks } from './host/links.js';
import { isNetnsMount, removeNetns } from './host/netns.js';
import { VETH_PREFIX } from './names.js';
import { dropNetwork } from './networks.js';
import { republish } from './ports.js';
import type { SandboxRecord } from './state/records.js';

export interface RecoveryReport {
  /** Containers whose networking was kept (and restored where needed). */
  kept: string[];
  /** Containers whose networking was torn down. */
  removed: string[];
  /** Networks whose interrupted create or remove was finished as a removal. */
  networksRemoved: string[];
  /** Leftovers no record claimed, removed: netns files, links, files dirs, proxy listeners. */
  swept: string[];
  problems: string[];
}

export async function recover(ctx: NetContext, live: ReadonlySet<string>): Promise<RecoveryReport> {
  const report: RecoveryReport = { kept: [], removed: [], networksRemoved: [], swept: [], problems: [] };
  const state = ctx.store.data;
  const attempt = async (what: string, op: () => unknown): Promise<void> => {
    try {
      await op();
    } catch (err) {
      report.problems.push(`${what}: ${errorMessage(err)}`);
    }
  };
  ctx.host.reset();

  for (const net of Object.values(state.networks)) {
    if (net.status === 'ready') continue;
    await attempt(`finishing removal of network ${net.name}`, () => dropNetwork(ctx, net));
    report.networksRemoved.push(net.name);
  }

  // Namespace owners first, so that containers sharing a removed namespace are seen as orphans.
  const ordered = Object.values(state.sandboxes).sort((a, b) => Number(!!a.sharedWith) - Number(!!b.sharedWith));
  for (const sb of ordered) {
    const dead = sb.status !== 'ready' || !live.has(sb.containerId) || (sb.sharedWith ? !state.sandboxes[sb.sharedWith] : !isNetnsMount(sb.netnsPath));
    if (dead) {
      await attempt(`tearing down ${sb.containerId}`, () => teardown(ctx, sb));
      report.removed.push(sb.containerId);
      continue;
    }
    const pending = sb.endpoints.filter((e) => e.pending);
    if (pending.length > 0) {
      await attempt(`removing half-connected endpoints of ${sb.containerId}`, () => deleteLinks(ctx.run, pending.map((e) => e.hostVeth)));
      sb.endpoints = sb.endpoints.filter((e) => !e.pending);
      ctx.store.save();
    }
    report.kept.push(sb.containerId);
  }

  const kept = report.kept.map((id) => state.sandboxes[id]).filter((s): s is SandboxRecord => s !== undefined);
  await attempt('setting up bridges', () => ctx.host.ensureBridges(Object.values(state.networks).filter((n) => n.bridge && n.status === 'ready')));
  await attempt('syncing iptables rules', () => ctx.host.syncRules());
  await attempt('reconciling published ports', () => reconcileProxy(ctx, kept, report));
  for (const sb of kept) {
    if (sb.sharedWith || !sb.endpoints.some((e) => !state.networks[e.networkId]?.predefined)) continue;
    await attempt(`restarting the embedded DNS of ${sb.containerId}`, () => ctx.dns.serve(sb.containerId, sb.netnsPath));
  }
  await attempt('sweeping leftovers', () => sweep(ctx, report));
  return report;
}

async function reconcileProxy(ctx: NetContext, kept: readonly SandboxRecord[], report: RecoveryReport): Promise<void> {
  const withPorts = kept.filter((s) => s.ports.length > 0);
  if (withPorts.length === 0 && !(await ctx.proxy.running())) return;
  const mappings = await ctx.proxy.list();
  const keptIds = new Set(kept.map((s) => s.containerId));
  for (const owner of new Set(mappings.map((m) => m.owner))) {
    if (keptIds.has(owner)) continue;
    await ctx.proxy.remove(owner);
    report.swept.push(`proxy listeners of ${owner}`);
  }
  for (const sb of withPorts) {
    const have = new Set(mappings.filter((m) => m.owner === sb.containerId).map((m) => `${m.proto}/${m.hostIp}/${m.hostPort}`));
    if (sb.ports.every((p) => have.has(`${p.proto}/${p.hostIp}/${p.hostPort}`))) continue;
    const ep = publishingEndpoint(sb, ctx.store.data.networks);
    if (!ep) continue;
    await ctx.proxy.remove(sb.containerId);
    report.problems.push(...(await republish(ctx, sb, ep)));
  }
}

async function sweep(ctx: NetContext, report: RecoveryReport): Promise<void> {
  const sandboxes = Object.values(ctx.store.data.sandboxes);
  const netnsFiles = new Set(sandboxes.map((s) => s.netnsPath));
  for (const name of listDir(ctx.opts.netnsDir)) {
    const file = path.join(ctx.opts.netnsDir, name);
    if (netnsFiles.has(file)) continue;
    removeNetns(file);
    report.swept.push(file);
  }
  const veths = new Set(sandboxes.flatMap((s) => s.endpoints.map((e) => e.hostVeth)));
  const strays = (await listLinks(ctx.run)).map((l) => l.ifname).filter((n) => n.startsWith(VETH_PREFIX) && !veths.has(n));
  if (strays.length > 0) {
    await deleteLinks(ctx.run, strays);
    report.swept.push(...strays.map((n) => `link ${n}`));
  }
  const filesDirs = new Set(sandboxes.filter((s) => s.ownFilesDir).map((s) => s.filesDir));
  for (const name of listDir(ctx.opts.filesDir)) {
    const dir = path.join(ctx.opts.filesDir, name);
    if (filesDirs.has(dir)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    report.swept.push(dir);
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
