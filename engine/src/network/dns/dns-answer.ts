// What the embedded DNS answers, from what the asking container can see: the containers on the
// user-defined networks it shares with them, by name, --network-alias, short id, and
// `name.network`, as Docker's resolver does. Names it does not own go upstream.
import { CLASS_IN, RCODE, TYPE, aData, encodeName, ipFromReverseName, type DnsQuestion, type DnsRecord } from './dns-message.js';

export interface DnsPeer {
  /** Lower-case names this container answers to on the network; the first is its primary name. */
  names: string[];
  ip: string;
}

export interface DnsNetworkView {
  network: string;
  peers: DnsPeer[];
}

export type DnsAnswer = { kind: 'answer'; rcode: number; answers: DnsRecord[] } | { kind: 'forward' };

/** Docker's embedded DNS TTL. */
const TTL = 600;

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** The peers a name designates, from the first network (in attach order) that knows it. */
export function lookupName(name: string, views: readonly DnsNetworkView[]): string[] {
  const n = normalize(name);
  for (const view of views) {
    const net = view.network.toLowerCase();
    const hits = view.peers.filter((p) => p.names.some((pn) => pn === n || `${pn}.${net}` === n));
    if (hits.length > 0) return hits.map((p) => p.ip);
  }
  return [];
}

export function answerQuestion(q: DnsQuestion, views: readonly DnsNetworkView[], shuffle: <T>(xs: T[]) => T[] = rotate): DnsAnswer {
  if (q.class !== CLASS_IN) return { kind: 'forward' };
  if (q.type === TYPE.A || q.type === TYPE.AAAA) {
    const ips = lookupName(q.name, views);
    if (ips.length === 0) return { kind: 'forward' };
    // Containers have IPv4 only: a known name has no AAAA, and must not be asked upstream.
    const answers = q.type === TYPE.A ? shuffle(ips).map((ip) => ({ name: q.name, type: TYPE.A, class: CLASS_IN, ttl: TTL, data: aData(ip) })) : [];
    return { kind: 'answer', rcode: RCODE.NOERROR, answers };
  }
  if (q.type === TYPE.PTR) {
    const ip = ipFromReverseName(q.name);
    for (const view of views) {
      const peer = ip && view.peers.find((p) => p.ip === ip);
      if (peer && peer.names[0]) {
        return { kind: 'answer', rcode: RCODE.NOERROR, answers: [{ name: q.name, type: TYPE.PTR, class: CLASS_IN, ttl: TTL, data: encodeName(`${peer.names[0]}.${view.network}`) }] };
      }
    }
  }
  return { kind: 'forward' };
}

/** Round-robin order for several addresses: a random rotation, as Docker shuffles its answers. */
function rotate<T>(xs: T[]): T[] {
  if (xs.length < 2) return xs;
  const k = Math.floor(Math.random() * xs.length);
  return [...xs.slice(k), ...xs.slice(0, k)];
}
