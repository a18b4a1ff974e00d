// The whole of our iptables state, rendered from the network state: a few chains of ours that are
// rewritten in one atomic iptables-restore on every change (declaring a chain in --noflush mode
// empties it first), plus the jumps into them from the built-in chains. Rendering from state,
// rather than adding and deleting single rules, means a crash can never leave a stray rule: the
// next sync writes exactly what the state says.
//
// filter ENGINE-FORWARD (jumped to first from FORWARD), grouped so that order between networks
// never matters:
//   1. replies into a bridge, and DNAT'd connections (published ports), are accepted;
//   2. traffic between containers of the same bridge is accepted;
//   3. anything else into a bridge is dropped: other bridges (isolation) and the outside world;
//   4. traffic out of a bridge is accepted, except from --internal networks, where it is dropped.
// nat ENGINE-DNAT (from PREROUTING for local addresses, and from OUTPUT for local addresses but not
// 127.0.0.0/8, which the userland proxy serves as dockerd's docker-proxy does): published ports,
// skipped for packets coming from a bridge (containers reach published ports through the proxy).
// nat ENGINE-POSTROUTING: masquerade for each non-internal subnet leaving its bridge.

export const CHAIN = {
  forward: 'ENGINE-FORWARD',
  dnat: 'ENGINE-DNAT',
  postrouting: 'ENGINE-POSTROUTING',
} as const;

export interface RuleNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  masquerade: boolean;
  /** Inter-container communication on this bridge. */
  icc: boolean;
}

export interface RulePort {
  containerId: string;
  proto: 'tcp' | 'udp';
  /** '' for every local address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  bridge: string;
}

export interface RuleSet {
  filter: string[];
  nat: string[];
}

/** The built-in chains' jumps into ours: [table, chain, rule spec without -A/-I]. */
export const JUMPS: readonly (readonly [table: 'filter' | 'nat', chain: string, spec: string])[] = [
  ['filter', 'FORWARD', `-j ${CHAIN.forward}`],
  ['nat', 'PREROUTING', `-m addrtype --dst-type LOCAL -j ${CHAIN.dnat}`],
  ['nat', 'OUTPUT', `! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j ${CHAIN.dnat}`],
  ['nat', 'POSTROUTING', `-j ${CHAIN.postrouting}`],
];

export function renderRules(networks: readonly RuleNetwork[], ports: readonly RulePort[]): RuleSet {
  const f = CHAIN.forward;
  const filter: string[] = [
    ...networks.flatMap((n) => [
      `-A ${f} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A ${f} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`,
    ]),
    ...networks.map((n) => `-A ${f} -i ${n.bridge} -o ${n.bridge} -j ${n.icc ? 'ACCEPT' : 'DROP'}`),
    ...networks.map((n) => `-A ${f} -o ${n.bridge} -j DROP`),
    ...networks.map((n) => `-A ${f} -i ${n.bridge} -j ${n.internal ? 'DROP' : 'ACCEPT'}`),
  ];
  const nat: string[] = [
    ...networks.map((n) => `-A ${CHAIN.dnat} -i ${n.bridge} -j RETURN`),
    ...ports.map(
      (p) =>
        `-A ${CHAIN.dnat}${p.hostIp ? ` -d ${p.hostIp}/32` : ''} ! -i ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.hostPort}` +
        ` -m comment --comment ${commentFor(p.containerId)} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`,
    ),
    ...networks.filter((n) => !n.internal && n.masquerade).map((n) => `-A ${CHAIN.postrouting} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`),
  ];
  return { filter, nat };
}

/** A rule comment naming the container a rule belongs to (for people reading iptables -S). */
export function commentFor(containerId: string): string {
  return `engine:${containerId.slice(0, 12)}`;
}

/**
 * iptables-restore --noflush input: our chains redeclared (emptied) and refilled, missing jumps
 * added; only the tables in `tables` (a table whose rules did not change need not be rewritten).
 */
export function restoreInput(rules: RuleSet, missingJumps: readonly (typeof JUMPS)[number][], tables: readonly ('filter' | 'nat')[] = ['filter', 'nat']): string {
  const table = (name: 'filter' | 'nat', chains: string[], body: string[]): string[] =>
    tables.includes(name) || missingJumps.some(([t]) => t === name)
      ? [`*${name}`, ...chains.map((c) => `:${c} - [0:0]`), ...body, ...missingJumps.filter(([t]) => t === name).map(([, chain, spec]) => `-I ${chain} 1 ${spec}`), 'COMMIT']
      : [];
  return [...table('filter', [CHAIN.forward], rules.filter), ...table('nat', [CHAIN.dnat, CHAIN.postrouting], rules.nat), ''].join('\n');
}

/** iptables-restore --noflush input that removes our jumps and chains (uninstall; tests). */
export function purgeInput(presentJumps: readonly (typeof JUMPS)[number][], presentChains: ReadonlySet<string>): string {
  const table = (name: 'filter' | 'nat', chains: string[]): string[] => {
    const ours = chains.filter((c) => presentChains.has(`${name}:${c}`));
    return [
      `*${name}`,
      ...presentJumps.filter(([t]) => t === name).map(([, chain, spec]) => `-D ${chain} ${spec}`),
      ...ours.map((c) => `-F ${c}`),
      ...ours.map((c) => `-X ${c}`),
      'COMMIT',
    ];
  };
  return [...table('filter', [CHAIN.forward]), ...table('nat', [CHAIN.dnat, CHAIN.postrouting]), ''].join('\n');
}

/** Which of our jumps and chains an `iptables-save` dump holds. */
export function scanSave(dump: string): { jumps: Set<string>; chains: Set<string> } {
  const jumps = new Set<string>();
  const chains = new Set<string>();
  let table = '';
  const wanted = new Map(JUMPS.map(([t, c, spec]) => [`${t}:-A ${c} ${spec}`, `${t}:${c}:${spec}`]));
  for (const line of dump.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith(':')) chains.add(`${table}:${line.slice(1).split(' ')[0] ?? ''}`);
    else if (line.startsWith('-A ')) {
      const hit = wanted.get(`${table}:${line.trim()}`);
      if (hit) jumps.add(hit);
    }
  }
  return { jumps, chains };
}

export function jumpKey(j: (typeof JUMPS)[number]): string {
  return `${j[0]}:${j[1]}:${j[2]}`;
}
