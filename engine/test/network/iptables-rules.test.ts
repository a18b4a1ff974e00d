import { CHAIN, JUMPS, jumpKey, purgeInput, renderRules, restoreInput, scanSave } from '../../src/network/host/iptables-rules.js';

const networks = [
  { bridge: 'engine0', subnet: '172.17.0.0/16', internal: false, masquerade: true, icc: true },
  { bridge: 'br-internal', subnet: '10.231.9.0/24', internal: true, masquerade: true, icc: true },
];
const ports = [
  { containerId: 'c0ffee0123456789', proto: 'tcp' as const, hostIp: '', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80, bridge: 'engine0' },
  { containerId: 'c0ffee0123456789', proto: 'udp' as const, hostIp: '10.0.0.1', hostPort: 5353, containerIp: '172.17.0.2', containerPort: 53, bridge: 'engine0' },
];

describe('iptables rules from state', () => {
  test('forwarding: accept replies and DNAT first, then same-bridge, then isolation, then egress', () => {
    const { filter } = renderRules(networks, ports);
    expect(filter).toEqual([
      '-A ENGINE-FORWARD -o engine0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A ENGINE-FORWARD -o engine0 -m conntrack --ctstate DNAT -j ACCEPT',
      '-A ENGINE-FORWARD -o br-internal -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A ENGINE-FORWARD -o br-internal -m conntrack --ctstate DNAT -j ACCEPT',
      '-A ENGINE-FORWARD -i engine0 -o engine0 -j ACCEPT',
      '-A ENGINE-FORWARD -i br-internal -o br-internal -j ACCEPT',
      '-A ENGINE-FORWARD -o engine0 -j DROP',
      '-A ENGINE-FORWARD -o br-internal -j DROP',
      '-A ENGINE-FORWARD -i engine0 -j ACCEPT',
      '-A ENGINE-FORWARD -i br-internal -j DROP',
    ]);
  });

  test('nat: DNAT per published port, masquerade only for networks with a way out', () => {
    const { nat } = renderRules(networks, ports);
    expect(nat).toEqual([
      '-A ENGINE-DNAT -i engine0 -j RETURN',
      '-A ENGINE-DNAT -i br-internal -j RETURN',
      '-A ENGINE-DNAT ! -i engine0 -p tcp -m tcp --dport 8080 -m comment --comment engine:c0ffee012345 -j DNAT --to-destination 172.17.0.2:80',
      '-A ENGINE-DNAT -d 10.0.0.1/32 ! -i engine0 -p udp -m udp --dport 5353 -m comment --comment engine:c0ffee012345 -j DNAT --to-destination 172.17.0.2:53',
      '-A ENGINE-POSTROUTING -s 172.17.0.0/16 ! -o engine0 -j MASQUERADE',
    ]);
  });

  test('loopback is left to the userland proxy', () => {
    const output = JUMPS.find(([t, c]) => t === 'nat' && c === 'OUTPUT');
    expect(output?.[2]).toBe('! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j ENGINE-DNAT');
  });

  test('restore input redeclares our chains and adds only missing jumps', () => {
    const text = restoreInput({ filter: ['-A ENGINE-FORWARD -i x -j ACCEPT'], nat: [] }, JUMPS.filter(([, c]) => c === 'FORWARD'));
    expect(text).toBe(
      [
        '*filter',
        ':ENGINE-FORWARD - [0:0]',
        '-A ENGINE-FORWARD -i x -j ACCEPT',
        '-I FORWARD 1 -j ENGINE-FORWARD',
        'COMMIT',
        '*nat',
        ':ENGINE-DNAT - [0:0]',
        ':ENGINE-POSTROUTING - [0:0]',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  test('iptables-save scan finds our jumps and chains; purge removes them', () => {
    const dump = [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':ENGINE-DNAT - [0:0]',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j ENGINE-DNAT',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      'COMMIT',
      '*filter',
      ':FORWARD ACCEPT [0:0]',
      'COMMIT',
    ].join('\n');
    const { jumps, chains } = scanSave(dump);
    expect([...jumps]).toEqual([jumpKey(JUMPS[1]!)]);
    expect(chains.has(`nat:${CHAIN.dnat}`)).toBe(true);
    expect(chains.has(`filter:${CHAIN.forward}`)).toBe(false);
    const purge = purgeInput([JUMPS[1]!], chains);
    expect(purge).toContain('-D PREROUTING -m addrtype --dst-type LOCAL -j ENGINE-DNAT');
    expect(purge).toContain('-F ENGINE-DNAT\n-X ENGINE-DNAT');
    expect(purge).not.toContain('ENGINE-FORWARD');
  });
});
