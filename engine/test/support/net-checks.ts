// What networking tests look at through a Stack: pages fetched through published ports (from the
// test's host namespace or its LAN client), and what networking may have left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Stack } from './stack.js';

/** GETs a URL from the host namespace (or the LAN client) until it answers 200; the body. */
export async function fetchPage(s: Stack, url: string, opts: { from?: 'host' | 'client'; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last = '';
  for (;;) {
    const argv = ['curl', '-sf', '--max-time', '3', url];
    const r = opts.from === 'client' ? await s.inClient(argv) : await s.inHost(argv);
    if (r.code === 0) return r.stdout;
    last = `curl exit ${r.code}: ${r.stderr}`;
    if (Date.now() > deadline) throw new Error(`${url} from the ${opts.from ?? 'host'}: ${last}`);
    await new Promise((r2) => setTimeout(r2, 100));
  }
}

/** Whether anything answers at url now (one try). */
export async function answers(s: Stack, url: string): Promise<boolean> {
  return (await s.inHost(['curl', '-s', '-o', '/dev/null', '--max-time', '2', url])).code === 0;
}

export interface NetworkLeftovers {
  /** Host ends of container veths. */
  veths: string[];
  /** DNAT rules for published ports. */
  dnat: string[];
  /** Container namespace files. */
  netns: string[];
  /** Sockets listening in the host namespace (the port proxy's bindings). */
  listeners: string[];
  /** Containers networking still holds addresses and records for. */
  sandboxes: string[];
}

export async function networkLeftovers(s: Stack): Promise<NetworkLeftovers> {
  const links = await s.inHost(['ip', '-o', 'link', 'show']);
  const rules = await s.inHost(['iptables-save']);
  const ss = await s.inHost(['ss', '-Htuln']);
  const netnsDir = path.join(s.execRoot, 'network', 'netns');
  let sandboxes: string[] = [];
  try {
    sandboxes = Object.keys((JSON.parse(fs.readFileSync(path.join(s.dataRoot, 'network', 'network-state.json'), 'utf8')) as { sandboxes: object }).sandboxes);
  } catch {
    // no state yet
  }
  return {
    veths: links.stdout.split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '').filter((n) => n.startsWith('ve-')),
    dnat: rules.stdout.split('\n').filter((l) => l.includes('DNAT --to')),
    netns: fs.existsSync(netnsDir) ? fs.readdirSync(netnsDir) : [],
    listeners: ss.stdout.split('\n').filter(Boolean),
    sandboxes,
  };
}

export const NOTHING_LEFT: NetworkLeftovers = { veths: [], dnat: [], netns: [], listeners: [], sandboxes: [] };

export async function inspectJson<T = Record<string, unknown>>(s: Stack, kind: 'container' | 'network', name: string): Promise<T> {
  const r = await s.engine(['inspect', '--type', kind, name]);
  if (r.code !== 0) throw new Error(`inspect ${name}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as T[])[0]!;
}
