// daemon.json checks (no daemon): each bad key or value is refused with a message naming it, flags and
// file may not both set a key, and a reload applies only the reloadable keys the file sets.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../src/daemon/config.js';
import { reloadConfig } from '../src/daemon/config-reload.js';
import { DAEMON_JSON_KEYS, parseDaemonJson, RELOADABLE_KEYS } from '../src/daemon/daemon-json.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daemon-json-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const f = path.join(dir, `d${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

test.each<[unknown, string]>([
  [{ 'storage-drvier': 'overlay2' }, "the following directives don't match any configuration option: storage-drvier"],
  [{ mtu: 1400, iptables: false }, 'the following dockerd directives are not supported by engined: mtu, iptables'],
  ['{"debug": true,}', 'JSON'],
  [[1], 'the file must hold a JSON object, not a list'],
  [{ debug: 'yes' }, 'invalid value for debug: expected a boolean (true or false), got the string "yes"'],
  [{ 'data-root': 3 }, 'invalid value for data-root: expected a string, got the number 3'],
  [{ 'data-root': '' }, 'invalid value for data-root: it must not be empty'],
  [{ hosts: 'unix:///x.sock' }, 'invalid value for hosts: expected a list of strings'],
  [{ hosts: ['udp://1.2.3.4:5'] }, 'invalid value for hosts: "udp://1.2.3.4:5": use unix:///path, tcp://host:port or fd://'],
  [{ hosts: ['unix://rel.sock'] }, 'a unix socket needs an absolute path'],
  [{ hosts: ['tcp://0.0.0.0:99999'] }, 'expected tcp://host:port'],
  [{ 'containerd-namespace': 'a/b' }, 'invalid value for containerd-namespace: "a/b" is not a valid containerd namespace'],
  [{ 'registry-mirrors': ['mirror.example.com'] }, 'invalid value for registry-mirrors: invalid mirror: unsupported scheme in "mirror.example.com"'],
  [{ 'registry-mirrors': ['https://mirror.example.com/v2/'] }, 'invalid mirror: path, query, or fragment at end of the URI'],
  [{ 'insecure-registries': ['http://reg:5000'] }, "insecure registry http://reg:5000 should not contain '://'"],
  [{ 'insecure-registries': ['10.0.0.0/8'] }, 'CIDR ranges are not supported'],
  [{ 'insecure-registries': ['reg/x'] }, 'insecure registry reg/x is not valid: invalid host "reg/x"'],
  [{ 'storage-driver': 'btrfs' }, 'invalid value for storage-driver: "btrfs"'],
  [{ 'log-driver': 'journald' }, 'invalid value for log-driver: "journald": only the json-file log driver is supported'],
  [{ 'log-opts': { 'max-size': 10 } }, 'invalid value for log-opts.max-size: expected a string, got the number 10'],
  [{ 'log-opts': { 'max-size': '10 MB' } }, 'invalid value for log-opts.max-size: "10 MB"'],
  [{ 'log-opts': { 'max-file': '0' } }, 'invalid value for log-opts.max-file: max-file cannot be less than 1'],
  [{ 'log-opts': { compress: 'true' } }, "invalid value for log-opts: unknown log opt 'compress' for json-file log driver"],
  [{ 'default-ulimits': { nofile: { Soft: '1', Hard: 2 } } }, 'invalid value for default-ulimits.nofile.Soft: expected an integer, got the string "1"'],
  [{ 'default-ulimits': { files: { Soft: 1, Hard: 2 } } }, 'invalid value for default-ulimits: invalid ulimit type: files'],
  [{ 'default-ulimits': { nofile: { Name: 'nproc', Soft: 1, Hard: 2 } } }, 'Name must be "nofile"'],
  [{ 'default-ulimits': { nofile: { Soft: 3, Hard: 2 } } }, 'ulimit soft limit must be less than or equal to hard limit: 3 > 2'],
  [{ labels: ['novalue'] }, 'invalid value for labels: bad attribute format: novalue'],
  [{ 'max-concurrent-downloads': -1 }, 'invalid value for max-concurrent-downloads: invalid max concurrent downloads: -1'],
  [{ 'max-concurrent-uploads': '5' }, 'invalid value for max-concurrent-uploads: expected an integer, got the string "5"'],
  [{ 'max-concurrent-uploads': 1.5 }, 'invalid value for max-concurrent-uploads: expected an integer, got the number 1.5'],
  [{ labels: ['a=1', 'a=2'] }, 'conflict labels for a=1 and a=2'],
  [{ 'live-restore': false }, 'live-restore cannot be turned off'],
  [{ bridge: 'a-very-long-bridge-name' }, 'invalid value for bridge: "a-very-long-bridge-name" is not a valid interface name'],
  [{ bip: '172.17.0.1' }, 'invalid value for bip: invalid bip 172.17.0.1'],
  [{ 'default-address-pools': [{ base: '10.10.0.1/16', size: 24 }] }, 'invalid value for default-address-pools[0].base: "10.10.0.1/16" is not an IPv4 subnet'],
  [{ 'default-address-pools': [{ base: '10.10.0.0/16', size: 8 }] }, "default-address-pools[0].size: 8 must be between the base's prefix (16) and 30"],
  [{ 'default-address-pools': [{ base: '10.10.0.0/16', size: 24, extra: 1 }] }, 'unknown field(s) extra'],
])('%j is refused: %s', (content, message) => {
  const f = file(content);
  expect(() => loadConfig(['--config-file', f])).toThrow(`unable to configure engined with file ${f}: `);
  expect(() => loadConfig(['--config-file', f])).toThrow(message);
});

test('a good file gives every setting, and each documented key parses', () => {
  const json = {
    'data-root': '/srv/engine',
    hosts: ['unix:///run/e.sock', 'tcp://127.0.0.1:2375', 'fd://'],
    'registry-mirrors': ['https://mirror.example.com/'],
    'insecure-registries': ['registry.lan:5000', '[::1]:5000', '192.168.1.10'],
    'storage-driver': 'overlay2',
    'log-driver': 'json-file',
    'log-opts': { 'max-size': '20m', 'max-file': '5' },
    'default-ulimits': { nofile: { Name: 'nofile', Soft: 1024, Hard: 2048 } },
    debug: true,
    labels: ['env=test', 'env=test'],
    'live-restore': true,
    'max-concurrent-downloads': 1,
    'max-concurrent-uploads': 0,
    bip: '10.200.0.1/24',
    'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }],
  };
  const c = loadConfig(['--config-file', file(json)]);
  expect(c).toMatchObject({
    dataRoot: '/srv/engine',
    execRoot: '/run/engine',
    hosts: json.hosts,
    registryMirrors: json['registry-mirrors'],
    insecureRegistries: json['insecure-registries'],
    logOpts: { maxSize: '20m', maxFile: 5 },
    defaultUlimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
    debug: true,
    labels: ['env=test', 'env=test'],
    maxConcurrentDownloads: 1,
    maxConcurrentUploads: 5,
    bip: '10.200.0.1/24',
    defaultAddressPools: json['default-address-pools'],
  });
  expect(DAEMON_JSON_KEYS.filter((k) => !(k in json)).sort()).toEqual(['bridge', 'cgroup-parent', 'containerd', 'containerd-namespace', 'exec-root', 'init-path', 'pidfile']);
  expect(parseDaemonJson('{"bridge": "none", "containerd-namespace": "a.b-c_d"}')).toEqual({ bridge: 'none', 'containerd-namespace': 'a.b-c_d' });
});

test('no file at the default path is no configuration; a named file that is missing is an error; an empty file is {}', () => {
  expect(() => loadConfig(['--config-file', path.join(dir, 'missing.json')])).toThrow(/missing.json: no such file/);
  expect(loadConfig(['--config-file', file('  \n')]).debug).toBe(false);
});

test('a key set both by a flag and in the file is refused, as dockerd does', () => {
  const f = file({ 'data-root': '/b', 'insecure-registries': ['r:1'] });
  expect(() => loadConfig(['--config-file', f, '--data-root', '/a', '--insecure-registry', 'r:2'])).toThrow(
    'the following directives are specified both as a flag and in the configuration file: data-root: (from flag: /a, from file: /b), insecure-registries: (from flag: r:2, from file: r:1)',
  );
  expect(() => loadConfig(['--config-file', file({}), '--insecure-registry', 'http://r:2'])).toThrow("invalid value for --insecure-registry: insecure registry http://r:2 should not contain '://'");
  expect(() => loadConfig(['--config-file', file({}), '-H', 'tcp:/x'])).toThrow('invalid value for -H');
});

test('a reload applies the reloadable keys the file sets, keeps the others, and names what needs a restart', () => {
  const f = file({ debug: false, labels: ['a=1'], 'registry-mirrors': ['https://m1.example.com'], 'log-opts': { 'max-size': '1m' }, 'max-concurrent-downloads': 1 });
  const argv = ['--config-file', f, '--insecure-registry', 'flagged:5000'];
  const live = loadConfig(argv);
  fs.writeFileSync(f, JSON.stringify({ debug: true, labels: ['a=2', 'b=3'], 'log-opts': { 'max-size': '2m' }, bip: '10.9.0.1/24' }));
  const r = reloadConfig(live, argv);
  // Left out, max-concurrent-downloads goes back to its default (dockerd resets it at each reload).
  expect(r.changed).toEqual(['debug: false → true', 'labels: ["a=1"] → ["a=2","b=3"]', 'max-concurrent-downloads: 1 → 3']);
  expect(r.restartNeeded).toEqual(['log-opts', 'bip']);
  // Left out of the file: the mirror keeps its value (dockerd's rule), and so does the flag's registry.
  expect(live).toMatchObject({ debug: true, labels: ['a=2', 'b=3'], registryMirrors: ['https://m1.example.com'], insecureRegistries: ['flagged:5000'], logOpts: { maxSize: '1m', maxFile: 3 } });
  expect(live.bip).toBeUndefined();

  // A bad file changes nothing; so does one that sets a key a flag sets.
  const before = JSON.stringify(live);
  fs.writeFileSync(f, JSON.stringify({ debug: false, labels: 'x=y' }));
  expect(() => reloadConfig(live, argv)).toThrow('invalid value for labels: expected a list of strings');
  fs.writeFileSync(f, JSON.stringify({ debug: false, 'insecure-registries': ['other:5000'] }));
  expect(() => reloadConfig(live, argv)).toThrow('specified both as a flag and in the configuration file');
  expect(JSON.stringify(live)).toBe(before);
});

test('docs/daemon-json.md lists exactly the keys engined takes, and marks exactly the reloadable ones', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/daemon-json.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| [^|]+ \| (reload)? *\|/gm)].map((m) => ({ key: m[1]!, reload: m[2] === 'reload' }));
  expect(rows.map((r) => r.key).sort()).toEqual([...DAEMON_JSON_KEYS].sort());
  expect(rows.filter((r) => r.reload).map((r) => r.key).sort()).toEqual([...RELOADABLE_KEYS].sort());
});
