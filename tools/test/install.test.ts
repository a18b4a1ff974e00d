// install/uninstall and the service layout without daemons: what install writes, that a second
// install replaces its own files only, and that uninstall removes nothing outside its prefix.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { install, checkAbsolute } from '../src/install/install.js';
import { isInside, manifestPath } from '../src/install/install-manifest.js';
import { uninstall } from '../src/install/uninstall.js';
import { layoutFor, readLayout } from '../src/service/stack-layout.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('install');
});
afterEach(() => removeTempDir(dir));

test('isInside and checkAbsolute', () => {
  expect(isInside('/a/b', '/a/b/c')).toBe(true);
  expect(isInside('/a/b', '/a/b')).toBe(false);
  expect(isInside('/a/b', '/a/b/../c')).toBe(false);
  expect(isInside('/a/b', '/a/bc')).toBe(false);
  expect(() => checkAbsolute('--prefix', 'usr/local')).toThrow("--prefix must be an absolute path without '..': \"usr/local\"");
  expect(() => checkAbsolute('--prefix', '/usr/../etc')).toThrow(/without '\.\.'/);
  expect(checkAbsolute('--prefix', '/usr/local/')).toBe('/usr/local');
});

test('the layout: the product paths by default, everything under a state root otherwise', () => {
  const product = layoutFor('/');
  expect(product).toMatchObject({ containerdSocket: '/run/containerd-ts/containerd-ts.sock', engineSocket: '/run/engine/engine.sock', enginePidFile: '/run/engine/engined.pid', logDir: '/var/log/stack', containerdArgs: [], engineArgs: [] });
  const moved = layoutFor(dir);
  for (const p of [moved.containerdSocket, moved.containerdPidFile, moved.engineSocket, moved.enginePidFile, moved.logDir, ...moved.containerdArgs.filter((a) => a.startsWith('/')), ...moved.engineArgs.filter((a) => a.startsWith('/'))]) {
    expect(isInside(dir, p)).toBe(true);
  }
  expect(moved.engineArgs).toEqual(expect.arrayContaining(['--config-file', path.join(dir, 'etc/engine/daemon.json'), '-H', `unix://${moved.engineSocket}`]));
  expect(readLayout(path.join(dir, 'absent.json'))).toEqual(product);
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ engineSocket: 'run/engine.sock' }));
  expect(() => readLayout(path.join(dir, 'bad.json'))).toThrow(`${path.join(dir, 'bad.json')}: engineSocket must be an absolute path`);
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ engineArgs: '--debug' }));
  expect(() => readLayout(path.join(dir, 'bad.json'))).toThrow('engineArgs must be a list of strings');
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ seedImages: [{ tag: 'x', archive: 'x.tar' }] }));
  expect(() => readLayout(path.join(dir, 'bad.json'))).toThrow('seedImages must be a list of {tag, archive} with absolute archive paths');
});

test('install writes what it lists, reinstalls over itself, refuses files it did not write; uninstall removes it all', async () => {
  const prefix = path.join(dir, 'usr/local');
  const first = await install({ prefix, stateRoot: dir });
  expect(first.dirs[0]).toBe(path.join(dir, 'usr'));
  for (const f of first.files) {
    expect(isInside(prefix, f)).toBe(true);
    expect(fs.lstatSync(f).isDirectory()).toBe(false);
  }
  expect(fs.readlinkSync(path.join(prefix, 'bin/engine'))).toMatch(/\/engine\/bin\/engine$/);
  expect(fs.readFileSync(path.join(prefix, 'bin/stackctl'), 'utf8')).toContain(`STACK_LAYOUT='${path.join(prefix, 'lib/container-stack/stack.json')}'`);
  expect(readLayout(path.join(prefix, 'lib/container-stack/stack.json')).seedImages.map((s) => s.tag)).toEqual(['hello-world:latest', 'busybox:latest']);

  const again = await install({ prefix, stateRoot: dir });
  expect(again.files).toEqual(first.files);

  // Something else's file where ours would go: refused, and left alone.
  fs.rmSync(path.join(prefix, 'bin/shim-ts'));
  fs.writeFileSync(path.join(prefix, 'bin/shim-ts'), 'not ours');
  const manifest = JSON.parse(fs.readFileSync(manifestPath(prefix), 'utf8')) as { files: string[] };
  fs.writeFileSync(manifestPath(prefix), JSON.stringify({ ...manifest, files: manifest.files.filter((f) => !f.endsWith('/shim-ts')) }));
  await expect(install({ prefix, stateRoot: dir })).rejects.toThrow(`${path.join(prefix, 'bin/shim-ts')} exists and was not installed by this stack`);
  expect(fs.readFileSync(path.join(prefix, 'bin/shim-ts'), 'utf8')).toBe('not ours');
  fs.rmSync(path.join(prefix, 'bin/shim-ts'));
  fs.writeFileSync(manifestPath(prefix), JSON.stringify(manifest));

  fs.mkdirSync(path.join(dir, 'var/lib/engine'), { recursive: true });
  const result = await uninstall({ prefix, log: () => undefined });
  expect(result.kept).toEqual([path.join(dir, 'var/lib/engine')]);
  expect(fs.existsSync(path.join(dir, 'usr'))).toBe(false);
});

test('uninstall refuses a manifest that names a file outside its prefix, and removes nothing', async () => {
  const prefix = path.join(dir, 'prefix');
  const outside = path.join(dir, 'precious');
  fs.writeFileSync(outside, 'keep me');
  fs.mkdirSync(path.dirname(manifestPath(prefix)), { recursive: true });
  fs.writeFileSync(manifestPath(prefix), JSON.stringify({ prefix, stateRoot: dir, repo: '/nowhere', files: [path.join(prefix, '../precious')], dirs: [] }));
  await expect(uninstall({ prefix, log: () => undefined })).rejects.toThrow(`names ${path.join(prefix, '../precious')}, outside ${prefix}: refusing`);
  expect(fs.readFileSync(outside, 'utf8')).toBe('keep me');
  await expect(uninstall({ prefix: path.join(dir, 'none'), log: () => undefined })).rejects.toThrow('nothing to uninstall');
});
