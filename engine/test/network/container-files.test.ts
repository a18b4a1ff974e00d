import { parseExtraHost, renderHostsFile } from '../../src/network/files/hosts-file.js';
import { containerDns, parseResolvConf, renderResolvConf } from '../../src/network/files/resolv-conf.js';

describe('/etc/hosts', () => {
  test('Docker layout: boilerplate, --add-host, own addresses', () => {
    const text = renderHostsFile({
      hostname: 'web',
      domainname: 'example.org',
      addresses: ['10.231.1.2', '10.231.2.2'],
      extraHosts: [parseExtraHost('db:10.0.0.5', undefined), parseExtraHost('gw:host-gateway', '172.17.0.1')],
    });
    expect(text).toBe(
      [
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'ff00::0\tip6-mcastprefix',
        'ff02::1\tip6-allnodes',
        'ff02::2\tip6-allrouters',
        '10.0.0.5\tdb',
        '172.17.0.1\tgw',
        '10.231.1.2\tweb.example.org web',
        '10.231.2.2\tweb.example.org web',
        '',
      ].join('\n'),
    );
  });

  test('--add-host forms', () => {
    expect(parseExtraHost('a=1.2.3.4', undefined)).toEqual({ ip: '1.2.3.4', names: ['a'] });
    expect(parseExtraHost('v6:::1', undefined)).toEqual({ ip: '::1', names: ['v6'] });
    expect(parseExtraHost('v6:[fe80::1]', undefined)).toEqual({ ip: 'fe80::1', names: ['v6'] });
    expect(() => parseExtraHost('nocolon', undefined)).toThrow(/bad format for add-host: "nocolon"/);
    expect(() => parseExtraHost(':1.2.3.4', undefined)).toThrow(/bad format/);
    expect(() => parseExtraHost('a:not-an-ip', undefined)).toThrow(/invalid IP address/);
    expect(() => parseExtraHost('a:host-gateway', undefined)).toThrow(/host-gateway/);
  });
});

describe('/etc/resolv.conf', () => {
  const host = parseResolvConf('# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2 ; comment\nsearch corp.example lab.example\noptions edns0 trust-ad\n');

  test('parses the host file', () => {
    expect(host).toEqual({ nameservers: ['127.0.0.53', '10.0.0.2'], search: ['corp.example', 'lab.example'], options: ['edns0', 'trust-ad'] });
  });

  test('default bridge: host servers without loopback ones', () => {
    const d = containerDns({ host, dns: [], dnsSearch: [], dnsOptions: [], embedded: false });
    expect(renderResolvConf(d.conf)).toBe('search corp.example lab.example\nnameserver 10.0.0.2\noptions edns0 trust-ad\n');
    const onlyLoopback = containerDns({ host: parseResolvConf('nameserver 127.0.0.53\n'), dns: [], dnsSearch: [], dnsOptions: [], embedded: false });
    expect(onlyLoopback.conf.nameservers).toEqual(['8.8.8.8', '8.8.4.4']);
  });

  test('user-defined network: the embedded server, upstreams kept for forwarding', () => {
    const d = containerDns({ host, dns: ['10.9.9.9'], dnsSearch: ['.'], dnsOptions: [], embedded: true });
    expect(renderResolvConf(d.conf)).toBe('nameserver 127.0.0.11\noptions edns0 trust-ad ndots:0\n');
    expect(d.upstreams).toEqual(['10.9.9.9']);
  });

  test('--dns, --dns-search, --dns-option override', () => {
    const d = containerDns({ host, dns: ['1.1.1.1'], dnsSearch: ['a.example'], dnsOptions: ['ndots:2'], embedded: false });
    expect(renderResolvConf(d.conf)).toBe('search a.example\nnameserver 1.1.1.1\noptions ndots:2\n');
  });
});
