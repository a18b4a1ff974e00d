// Pure logic of the CRI plugin (no root): its config table, credentials from AuthConfig, image users,
// the CNI conf dir scan and pod IPs from CNI results.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../src/core/config/config.js';
import { CRI_DEFAULTS } from '../src/cri/config.js';
import { credentialsOf } from '../src/cri/image-service.js';
import { imageUser } from '../src/cri/images.js';
import { loadCniNetwork } from '../src/cri/cni-config.js';
import { podIp } from '../src/cri/cni.js';
import { CriLineSplitter, MAX_LOG_LINE, rfc3339Nano } from '../src/cri/cri-log.js';
import { hostsFile, resolvConf } from '../src/cri/sandbox-spec.js';
import { removeTree, tempDir } from './support/temp.js';

describe('CRI config and small conversions', () => {
  test("containerd's [plugins.\"io.containerd.grpc.v1.cri\"] keys; defaults otherwise; bad types refused", () => {
    expect(parseConfig('').cri).toEqual(CRI_DEFAULTS);
    const c = parseConfig(`version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.local/pause:1"
  enable_selinux = false
  stream_server_address = "0.0.0.0"
  stream_server_port = "10010"
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "/opt/cni/bin"
  conf_dir = "/tmp/net.d"
`);
    expect(c.cri).toEqual({ sandboxImage: 'registry.local/pause:1', cniBinDir: '/opt/cni/bin', cniConfDir: '/tmp/net.d', streamServerAddress: '0.0.0.0', streamServerPort: 10010 });
    expect(() => parseConfig('[plugins."io.containerd.grpc.v1.cri"]\nstream_server_port = "http"')).toThrow(/stream_server_port must be a port number/);
    expect(() => parseConfig('[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = 3')).toThrow(/sandbox_image must be a non-empty string/);
    expect(() => parseConfig('[plugins."io.containerd.grpc.v1.cri"]\ncni = "x"')).toThrow(/cni must be a table/);
  });

  test('credentials from AuthConfig', () => {
    expect(credentialsOf(undefined)).toBeUndefined();
    const base = { username: '', password: '', auth: '', serverAddress: '', identityToken: '', registryToken: '' } as Parameters<typeof credentialsOf>[0] & object;
    expect(credentialsOf({ ...base })).toBeUndefined();
    expect(credentialsOf({ ...base, username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
    expect(credentialsOf({ ...base, auth: Buffer.from('me:pa:ss').toString('base64') })).toEqual({ username: 'me', password: 'pa:ss' });
    expect(() => credentialsOf({ ...base, identityToken: 'x' })).toThrow(/identity_token and registry_token auth are not supported/);
  });

  test("the image's user: numeric uid or a name", () => {
    const cfg = (User?: string) => ({ rootfs: { type: 'layers', diff_ids: [] }, ...(User !== undefined ? { config: { User } } : {}) });
    expect(imageUser(cfg())).toEqual({});
    expect(imageUser(cfg(''))).toEqual({});
    expect(imageUser(cfg('1000:1000'))).toEqual({ uid: 1000n });
    expect(imageUser(cfg('nobody'))).toEqual({ username: 'nobody' });
    expect(imageUser(cfg('www:www'))).toEqual({ username: 'www' });
  });

  test('the conf dir scan takes the first usable conf in name order and says why none is', () => {
    const dir = tempDir('cri-conf-');
    try {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'bridge'), '');
      expect(loadCniNetwork(path.join(dir, 'none'), bin)).toEqual({ error: `cni config dir ${path.join(dir, 'none')} does not exist` });
      const conf = path.join(dir, 'net.d');
      fs.mkdirSync(conf);
      expect(loadCniNetwork(conf, bin)).toEqual({ error: `no network config found in ${conf}` });
      fs.writeFileSync(path.join(conf, '00-junk.conf'), '{');
      fs.writeFileSync(path.join(conf, '20-single.conf'), JSON.stringify({ cniVersion: '0.4.0', name: 'single', type: 'bridge' }));
      fs.writeFileSync(path.join(conf, '30-other.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'other', plugins: [{ type: 'bridge' }] }));
      fs.writeFileSync(path.join(conf, 'README.md'), 'not a conf');
      const r = loadCniNetwork(conf, bin);
      expect('network' in r && { name: r.network.name, types: r.network.types, cniVersion: r.network.cniVersion }).toEqual({ name: 'single', types: ['bridge'], cniVersion: '0.4.0' });
      fs.writeFileSync(path.join(conf, '10-hostile.conflist'), JSON.stringify({ name: 'h', plugins: [{ type: '../../bin/sh' }] }));
      const h = loadCniNetwork(conf, bin);
      expect('network' in h && h.network.name).toBe('single');
    } finally {
      removeTree(dir);
    }
  });

  test('pod IP: the first IPv4 address of a CNI result, else the first', () => {
    expect(podIp({ ips: [{ address: 'fd00::5/64' }, { address: '10.1.2.3/24' }] })).toBe('10.1.2.3');
    expect(podIp({ ips: [{ address: 'fd00::5/64' }] })).toBe('fd00::5');
    expect(podIp({})).toBeUndefined();
  });

  test('CRI log records: RFC 3339 with nanoseconds, F for whole lines, P for pieces of long ones', () => {
    expect(rfc3339Nano(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(rfc3339Nano(1_700_000_000_000_000_005n)).toBe('2023-11-14T22:13:20.000000005Z');
    const out: string[] = [];
    const s = new CriLineSplitter('stderr', (r) => out.push(r), () => 1_700_000_000_000_000_000n);
    s.write(Buffer.from('one\ntw'));
    s.write(Buffer.from('o\n\nthr'));
    s.write(Buffer.from('x'.repeat(MAX_LOG_LINE + 3) + '\n'));
    s.write(Buffer.from('tail'));
    s.end();
    const t = '2023-11-14T22:13:20.000000000Z';
    expect(out).toEqual([
      `${t} stderr F one\n`,
      `${t} stderr F two\n`,
      `${t} stderr F \n`,
      `${t} stderr P thr${'x'.repeat(MAX_LOG_LINE - 3)}\n`,
      `${t} stderr F xxxxxx\n`,
      `${t} stderr F tail\n`,
    ]);
  });

  test("resolv.conf from the pod's DNS config (the node's when empty); hosts with the pod IP", () => {
    expect(resolvConf({ servers: ['10.0.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] })).toBe(
      'search ns.svc.cluster.local svc.cluster.local\nnameserver 10.0.0.10\noptions ndots:5\n',
    );
    const dir = tempDir('cri-resolv-');
    try {
      fs.writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 192.0.2.1\n');
      expect(resolvConf(undefined, path.join(dir, 'resolv.conf'))).toBe('nameserver 192.0.2.1\n');
      expect(resolvConf({ servers: [], searches: [], options: [] }, path.join(dir, 'resolv.conf'))).toBe('nameserver 192.0.2.1\n');
    } finally {
      removeTree(dir);
    }
    expect(() => resolvConf({ servers: ['1.1.1.1\nnameserver 6.6.6.6'], searches: [], options: [] })).toThrow(/is not a valid entry/);
    expect(hostsFile('web', '10.1.2.3')).toContain('10.1.2.3\tweb\n');
    expect(hostsFile('web', '')).not.toContain('web');
  });
});
