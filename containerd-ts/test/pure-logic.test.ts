import { ancestorsOf, cleanArchivePath } from '../src/core/unpack/path-safety.js';
import { whiteoutOf, whiteoutPathFor } from '../src/core/unpack/whiteout.js';
import { labelRefs, mark, nodeKey, type GcNode } from '../src/core/gc/mark.js';
import { chainIds, childLabels, selectManifest } from '../src/core/images/manifest.js';
import { isLayer, layerCompression } from '../src/core/images/media-types.js';
import { parseChallenges } from '../src/core/remotes/token-auth.js';
import { parseConfig } from '../src/core/config/config.js';
import { applyLabelPaths } from '../src/core/metadata/labels.js';
import { sha256Of, type Digest } from '../src/core/digest.js';

describe('archive path safety', () => {
  test('cleans paths relative to the root', () => {
    expect(cleanArchivePath('./usr//bin/../sbin/')).toBe('usr/sbin');
    expect(cleanArchivePath('/etc/passwd')).toBe('etc/passwd');
    expect(cleanArchivePath('./')).toBe('');
    expect(ancestorsOf('a/b/c')).toEqual(['a', 'a/b']);
  });
  test('refuses escapes and NUL bytes', () => {
    expect(() => cleanArchivePath('../etc/passwd')).toThrow(/escapes the layer root/);
    expect(() => cleanArchivePath('a/../../b')).toThrow(/escapes/);
    expect(() => cleanArchivePath('a\0b')).toThrow(/NUL/);
  });
});

describe('whiteouts', () => {
  test('classification', () => {
    expect(whiteoutOf('etc/.wh.hosts')).toEqual({ kind: 'remove', target: 'etc/hosts' });
    expect(whiteoutOf('.wh.gone')).toEqual({ kind: 'remove', target: 'gone' });
    expect(whiteoutOf('var/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'var' });
    expect(whiteoutOf('.wh..wh.plnk')).toEqual({ kind: 'meta' });
    expect(whiteoutOf('etc/hosts')).toBeUndefined();
    expect(whiteoutPathFor('a/b')).toBe('a/.wh.b');
  });
});

describe('media types and manifests', () => {
  test('layer compression', () => {
    expect(layerCompression('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe('gzip');
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar')).toBe('none');
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar+zstd')).toBe('zstd');
    expect(isLayer('application/vnd.oci.image.config.v1+json')).toBe(false);
  });
  test('chain IDs follow containerd', () => {
    const a = sha256Of('a');
    const b = sha256Of('b');
    expect(chainIds([a, b])).toEqual([a, sha256Of(`${a} ${b}`)]);
    expect(chainIds([])).toEqual([]);
  });
  test('gc labels of an index and a manifest', () => {
    const d = (s: string) => sha256Of(s);
    const idx = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('m'), size: 1 }] }));
    expect(childLabels('application/vnd.oci.image.index.v1+json', idx)).toEqual({ 'containerd.io/gc.ref.content.m.0': d('m') });
    const man = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 2 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('l'), size: 3 }] }));
    expect(childLabels('application/vnd.oci.image.manifest.v1+json', man)).toEqual({ 'containerd.io/gc.ref.content.config': d('c'), 'containerd.io/gc.ref.content.l.0': d('l') });
  });
  test('platform selection from an index', () => {
    const m = (arch: string, variant?: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256Of(arch + (variant ?? '')) as Digest, size: 1, platform: { os: 'linux', architecture: arch, ...(variant ? { variant } : {}) } });
    const index = { schemaVersion: 2, manifests: [m('arm64', 'v8'), m('amd64')] };
    expect(selectManifest(index, { os: 'linux', architecture: 'amd64' }).digest).toBe(sha256Of('amd64'));
    expect(() => selectManifest(index, { os: 'linux', architecture: 's390x' })).toThrow(/no manifest for platform linux\/s390x/);
  });
});

describe('GC marking', () => {
  const n = (type: GcNode['type'], id: string, namespace = 'default'): GcNode => ({ type, namespace, id });
  test('reaches through labels and parents, not across namespaces', () => {
    const graph = new Map<string, GcNode[]>([
      [nodeKey(n('content', 'index')), [n('content', 'manifest')]],
      [nodeKey(n('content', 'manifest')), [n('content', 'config'), n('content', 'layer')]],
      [nodeKey(n('content', 'config')), [n('snapshot', 'overlayfs/top')]],
      [nodeKey(n('snapshot', 'overlayfs/top')), [n('snapshot', 'overlayfs/base')]],
    ]);
    const marked = mark([n('content', 'index')], (x) => graph.get(nodeKey(x)) ?? []);
    expect([...marked].map((k) => k.split('\x1f')[2]).sort()).toEqual(['config', 'index', 'layer', 'manifest', 'overlayfs/base', 'overlayfs/top']);
    expect(marked.has(nodeKey(n('content', 'index', 'other')))).toBe(false);
  });
  test('label references', () => {
    expect(labelRefs('ns', { 'containerd.io/gc.ref.content.l.0': 'sha256:x', 'containerd.io/gc.ref.snapshot.overlayfs': 'k', 'containerd.io/gc.ref.snapshot.overlayfs/1': 'k1', other: 'y' })).toEqual([
      { type: 'content', namespace: 'ns', id: 'sha256:x' },
      { type: 'snapshot', namespace: 'ns', id: 'overlayfs/k' },
      { type: 'snapshot', namespace: 'ns', id: 'overlayfs/k1' },
    ]);
  });
});

describe('registry auth challenges', () => {
  test('bearer with quoted params, several challenges', () => {
    expect(parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' } },
    ]);
    expect(parseChallenges('Basic realm="x", Bearer realm="y"')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'y' } },
    ]);
  });
});

describe('registry hosts', () => {
  test('HTTPS by default, HTTP for loopback and configured insecure hosts, mirrors first', () => {
    const { RegistryHosts } = require('../src/core/remotes/hosts.js') as typeof import('../src/core/remotes/hosts.js');
    const h = new RegistryHosts({ insecure: ['reg.lan:5000'], mirrors: { 'docker.io': ['mirror.lan', 'http://10.0.0.1:5000/'] } });
    expect(h.endpoints('docker.io', { pull: true }).map((e) => e.base)).toEqual(['https://mirror.lan', 'http://10.0.0.1:5000', 'https://registry-1.docker.io']);
    expect(h.endpoints('docker.io', { pull: false }).map((e) => e.base)).toEqual(['https://registry-1.docker.io']);
    expect(h.endpoints('127.0.0.1:5000', { pull: true })[0]?.base).toBe('http://127.0.0.1:5000');
    expect(h.endpoints('localhost:5000', { pull: true })[0]?.base).toBe('http://localhost:5000');
    expect(h.endpoints('reg.lan:5000', { pull: true })[0]?.base).toBe('http://reg.lan:5000');
    expect(h.endpoints('ghcr.io', { pull: true })[0]?.base).toBe('https://ghcr.io');
    expect(() => h.endpoints('ghcr.io', { pull: true, plainHttp: true })).toThrow(/plain HTTP to ghcr.io is not allowed/);
  });
});

describe('config and labels', () => {
  test('TOML config in containerd shape', () => {
    const c = parseConfig(`
version = 2
root = "/r"
state = "/s"
[grpc]
address = "/s/sock"
[debug]
level = "debug"
[registry]
insecure = ["reg.local:5000"]
[registry.mirrors."docker.io"]
endpoint = ["http://127.0.0.1:5001"]
[registry.configs."reg.example".auth]
username = "u"
password = "p"
[plugins.transfer]
max_concurrent_downloads = 5
`);
    expect(c).toMatchObject({ root: '/r', state: '/s', address: '/s/sock', logLevel: 'debug', maxConcurrentDownloads: 5 });
    expect(c.registry.mirrors).toEqual({ 'docker.io': ['http://127.0.0.1:5001'] });
    expect(c.registry.insecure).toEqual(['reg.local:5000']);
    expect(c.registry.auths).toEqual({ 'reg.example': { username: 'u', password: 'p' } });
    expect(parseConfig('[plugins.tasks]\nshim_idle_timeout = "5m"').shimIdleMs).toBe(300_000);
    expect(parseConfig('[plugins.tasks]\nshim_idle_timeout = 0').shimIdleMs).toBe(0);
    expect(() => parseConfig('[plugins.tasks]\nshim_idle_timeout = "soon"')).toThrow(/shim_idle_timeout must be a duration/);
    expect(() => parseConfig('[debug]\nlevel = "loud"')).toThrow(/debug.level/);
    expect(() => parseConfig('root = ')).toThrow();
  });

  test('values are checked: each bad one names its key', () => {
    const bad: Array<[string, RegExp]> = [
      ['version = 1', /version = 1 is not supported: write the version 2 format/],
      ['root = "var/lib/x"', /root must be an absolute path, got "var\/lib\/x"/],
      ['root = "/x"\nstate = "/x"', /root and state must be different paths/],
      ['[grpc]\naddress = "sock"', /grpc.address must be an absolute path/],
      ['[plugins.transfer]\nmax_concurrent_downloads = 0', /max_concurrent_downloads must be a whole number of at least 1, got 0/],
      ['[plugins.transfer]\nmax_concurrent_downloads = 2.5', /max_concurrent_downloads must be a whole number/],
      ['[plugins.transfer]\nmax_concurrent_downloads = "3"', /max_concurrent_downloads must be a whole number/],
      ['[plugins.transfer]\nsnapshotter = "btrfs"', /snapshotter "btrfs" is not available/],
      ['[plugins.transfer]\nallow_devices_in_layers = "yes"', /plugins.transfer.allow_devices_in_layers must be true or false/],
      ['[plugins.tasks]\nshim_idle_timeout = -5', /shim_idle_timeout cannot be negative/],
      ['[registry.configs."r.example".tls]\ninsecure_skip_verify = 1', /registry.configs.r.example.tls.insecure_skip_verify must be true or false/],
      ['[registry.configs."r.example"]\nplain_http = "true"', /registry.configs.r.example.plain_http must be true or false/],
      ['[registry.configs."r.example".auth]\nusername = "u"', /registry.configs.r.example.auth needs both username and password/],
      ['[registry.configs."r.example".auth]\nusername = 1\npassword = "p"', /registry.configs.r.example.auth.username must be a string/],
    ];
    for (const [toml, message] of bad) expect(() => parseConfig(toml)).toThrow(message);
    expect(parseConfig('version = 2\n[plugins.transfer]\nsnapshotter = "overlayfs"\nallow_devices_in_layers = true').allowDevicesInLayers).toBe(true);
  });
  test('label field paths', () => {
    expect(applyLabelPaths({ a: '1', b: '2' }, { b: '', c: '3' }, ['labels.b', 'labels.c']).labels).toEqual({ a: '1', c: '3' });
    expect(applyLabelPaths({ a: '1' }, { z: '9' }, ['labels']).labels).toEqual({ z: '9' });
    expect(applyLabelPaths({}, {}, ['spec']).rest).toEqual(['spec']);
  });
});

describe('registry error bodies as one readable line', () => {
  const { registryErrorText } = require('../src/core/remotes/registry-errors.js') as typeof import('../src/core/remotes/registry-errors.js');
  test('the distribution spec form: the messages, joined', () => {
    expect(registryErrorText('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}\n')).toBe('manifest unknown');
    expect(registryErrorText('{"errors":[{"code":"DENIED"},{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')).toBe('denied; repository name not known to registry');
  });
  test('anything else: its first line, tags stripped, cut short', () => {
    expect(registryErrorText('<html>\n<body><h1>502 Bad Gateway</h1></body>\n</html>')).toBe('502 Bad Gateway');
    expect(registryErrorText('x'.repeat(500))).toHaveLength(201);
    expect(registryErrorText('  ')).toBe('');
    expect(registryErrorText('{"not":"errors"}')).toBe('{"not":"errors"}');
  });
});
