import { dockerPortMap, formatPortLines, parseExposedPort, parsePortSpec, portRequests } from '../../src/network/port-spec.js';

describe('-p parsing', () => {
  test.each([
    ['80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 0, hostPortEnd: 0 }]],
    ['8080:80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8080, hostPortEnd: 8080 }]],
    ['127.0.0.1:8080:80', [{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 8080, hostPortEnd: 8080 }]],
    ['127.0.0.1::80', [{ containerPort: 80, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 0, hostPortEnd: 0 }]],
    ['0.0.0.0:53:53/udp', [{ containerPort: 53, proto: 'udp', hostIp: '', hostPort: 53, hostPortEnd: 53 }]],
    ['5353:53/UDP', [{ containerPort: 53, proto: 'udp', hostIp: '', hostPort: 5353, hostPortEnd: 5353 }]],
    [
      '8000-8001:80-81',
      [
        { containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8000, hostPortEnd: 8000 },
        { containerPort: 81, proto: 'tcp', hostIp: '', hostPort: 8001, hostPortEnd: 8001 },
      ],
    ],
    ['9000-9010:80', [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 9000, hostPortEnd: 9010 }]],
    [
      '80-81',
      [
        { containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 0, hostPortEnd: 0 },
        { containerPort: 81, proto: 'tcp', hostIp: '', hostPort: 0, hostPortEnd: 0 },
      ],
    ],
  ])('%s', (raw, want) => {
    expect(parsePortSpec(raw)).toEqual(want);
  });

  test.each([
    ['', /No port specified/],
    ['8080:', /No port specified/],
    ['abc', /Invalid containerPort: abc/],
    ['0', /Invalid containerPort: 0/],
    ['70000', /Invalid containerPort: 70000/],
    ['x:80', /Invalid hostPort: x/],
    ['65536:80', /Invalid hostPort: 65536/],
    ['1.2.3:80:80', /Invalid ip address: 1.2.3/],
    ['[::1]:80:80', /IPv6 host addresses are not supported/],
    ['80/icmp', /Invalid proto: icmp/],
    ['80/sctp', /sctp ports are not supported/],
    ['8000-8002:80-81', /Invalid ranges specified for container and host Ports: 80-81 and 8000-8002/],
    ['81-80', /Invalid containerPort: 81-80/],
  ])('%j is refused', (raw, message) => {
    expect(() => parsePortSpec(raw)).toThrow(message);
  });

  test('errors are 400s', () => {
    expect(() => parsePortSpec('nope')).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });
});

describe('-P and EXPOSE', () => {
  test('exposed keys', () => {
    expect(parseExposedPort('80')).toEqual([{ port: 80, proto: 'tcp' }]);
    expect(parseExposedPort('53/udp')).toEqual([{ port: 53, proto: 'udp' }]);
    expect(parseExposedPort('7000-7001/tcp')).toEqual([
      { port: 7000, proto: 'tcp' },
      { port: 7001, proto: 'tcp' },
    ]);
    expect(() => parseExposedPort('80/tcp/x')).toThrow(/Invalid exposed port/);
  });

  test('-P publishes every exposed port not already published, on ephemeral ports', () => {
    const r = portRequests(['8080:80'], true, ['80/tcp', '443/tcp', '53/udp']);
    expect(r).toEqual([
      { containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 8080, hostPortEnd: 8080 },
      { containerPort: 443, proto: 'tcp', hostIp: '', hostPort: 0, hostPortEnd: 0 },
      { containerPort: 53, proto: 'udp', hostIp: '', hostPort: 0, hostPortEnd: 0 },
    ]);
    expect(portRequests([], false, ['80/tcp'])).toEqual([]);
  });
});

describe('reporting', () => {
  const bindings = [
    { containerPort: 80, proto: 'tcp' as const, hostIp: '', hostPort: 8080 },
    { containerPort: 80, proto: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 9090 },
    { containerPort: 53, proto: 'udp' as const, hostIp: '', hostPort: 5353 },
  ];

  test('engine port lines', () => {
    expect(formatPortLines(bindings)).toEqual(['80/tcp -> 0.0.0.0:8080', '80/tcp -> 127.0.0.1:9090', '53/udp -> 0.0.0.0:5353']);
    expect(formatPortLines(bindings, '80')).toEqual(['0.0.0.0:8080', '127.0.0.1:9090']);
    expect(formatPortLines(bindings, '53/udp')).toEqual(['0.0.0.0:5353']);
    expect(formatPortLines(bindings, '81')).toEqual([]);
  });

  test('NetworkSettings.Ports', () => {
    expect(dockerPortMap(bindings, ['80/tcp', '443/tcp'])).toEqual({
      '80/tcp': [
        { HostIp: '0.0.0.0', HostPort: '8080' },
        { HostIp: '127.0.0.1', HostPort: '9090' },
      ],
      '443/tcp': null,
      '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
    });
  });
});
