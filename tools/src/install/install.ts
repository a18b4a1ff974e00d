// Installs the built stack for use from PATH: a symlink per program in PREFIX/bin (to this
// checkout's bin wrappers), the stackctl service command, bash completion for engine, the systemd
// units, and the seed images (hello-world and busybox, built here from the host's static busybox,
// so the first `engine run` needs no network). Everything written is listed in a manifest that
// uninstall follows. State paths default to the product's; --state-root moves them all (tests).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage } from '../image/busybox.js';
import { buildHelloWorldImage, HELLO_WORLD_TAG } from '../image/hello-world.js';
import { layoutFor } from '../service/stack-layout.js';
import { isInside, manifestPath, readManifest, writeFileAtomic, type InstallManifest } from './install-manifest.js';

export const REPO = path.resolve(__dirname, '../../../..');

/** Program name → its wrapper in this checkout. */
export const PROGRAMS: Record<string, string> = {
  engine: 'engine/bin/engine',
  engined: 'engine/bin/engined',
  'ctr-ts': 'containerd-ts/bin/ctr-ts',
  'containerd-ts': 'containerd-ts/bin/containerd-ts',
  'runc-ts': 'runc-ts/bin/runc-ts',
  'shim-ts': 'shim-ts/bin/shim-ts',
};
export const UNITS = ['containerd-ts.service', 'engined.service', 'engined.socket'];

export interface InstallOptions {
  /** Where programs, completion, units and the install's data go; default /usr/local. */
  prefix: string;
  /** Root of the state paths (/var/lib/…, /run/…, /etc/engine, /var/log/stack); default '/'. */
  stateRoot: string;
  busybox?: string;
  log?: (line: string) => void;
}

export function checkAbsolute(what: string, p: string): string {
  if (!path.isAbsolute(p) || p.split('/').includes('..')) throw new Error(`${what} must be an absolute path without '..': ${JSON.stringify(p)}`);
  return path.resolve(p);
}

export async function install(opts: InstallOptions): Promise<InstallManifest> {
  const prefix = checkAbsolute('--prefix', opts.prefix);
  const stateRoot = checkAbsolute('--state-root', opts.stateRoot);
  const log = opts.log ?? (() => undefined);
  for (const [name, rel] of Object.entries(PROGRAMS)) {
    if (!fs.existsSync(path.join(REPO, rel))) throw new Error(`${name}: ${rel} is missing in ${REPO}; run npm run build first`);
  }
  const previous = readManifest(prefix);
  const manifest: InstallManifest = { prefix, stateRoot, repo: REPO, files: [], dirs: previous?.dirs ?? [] };
  const mkdir = (dir: string) => {
    const missing: string[] = [];
    for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    for (const d of missing) if (!manifest.dirs.includes(d)) manifest.dirs.push(d);
  };
  /** Refuses to replace what another package put there; ours (in the old manifest) is replaced. */
  const claim = (file: string) => {
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st && !previous?.files.includes(file)) throw new Error(`${file} exists and was not installed by this stack; remove it or choose another --prefix`);
    fs.rmSync(file, { force: true });
    manifest.files.push(file);
  };
  const lib = path.join(prefix, 'lib/container-stack');
  const bin = path.join(prefix, 'bin');
  mkdir(lib);
  mkdir(bin);

  for (const [name, rel] of Object.entries(PROGRAMS)) {
    const link = path.join(bin, name);
    claim(link);
    fs.symlinkSync(path.join(REPO, rel), link);
  }
  const layoutFile = path.join(lib, 'stack.json');
  const stackctl = path.join(bin, 'stackctl');
  claim(stackctl);
  writeFileAtomic(stackctl, `#!/bin/sh\n# The stack's service command for the install in ${prefix}.\nSTACK_LAYOUT=${shellQuote(layoutFile)} exec ${shellQuote(path.join(REPO, 'tools/bin/stackctl'))} "$@"\n`, 0o755);
  log(`programs: ${[...Object.keys(PROGRAMS), 'stackctl'].map((n) => path.join(bin, n)).join(' ')}`);

  const completions = path.join(prefix, 'share/bash-completion/completions');
  mkdir(completions);
  const script = spawnSync(path.join(REPO, PROGRAMS.engine!), ['completion', 'bash'], { encoding: 'utf8' });
  if (script.status !== 0) throw new Error(`engine completion bash failed: ${script.stderr}`);
  claim(path.join(completions, 'engine'));
  writeFileAtomic(path.join(completions, 'engine'), script.stdout);
  log(`bash completion: ${path.join(completions, 'engine')}`);

  const units = path.join(prefix, 'lib/systemd/system');
  mkdir(units);
  for (const unit of UNITS) {
    const text = fs.readFileSync(path.join(REPO, 'tools/systemd', unit), 'utf8').replaceAll('/usr/local/bin/', `${bin}/`);
    claim(path.join(units, unit));
    writeFileAtomic(path.join(units, unit), text);
  }
  log(`systemd units: ${units} (${UNITS.join(', ')})`);

  const images = path.join(lib, 'images');
  mkdir(images);
  const seeds = [
    { tag: HELLO_WORLD_TAG, archive: path.join(images, 'hello-world.tar'), build: buildHelloWorldImage },
    { tag: 'busybox:latest', archive: path.join(images, 'busybox.tar'), build: buildBusyboxImage },
  ];
  for (const s of seeds) {
    const work = fs.mkdtempSync(path.join(images, '.build-'));
    try {
      claim(s.archive);
      await s.build({ outDir: path.join(work, 'layout'), archivePath: s.archive, repoTag: s.tag, ...(opts.busybox !== undefined ? { busybox: opts.busybox } : {}) });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  log(`seed images: ${seeds.map((s) => s.archive).join(' ')}`);

  claim(layoutFile);
  writeFileAtomic(layoutFile, `${JSON.stringify(layoutFor(stateRoot, seeds.map(({ tag, archive }) => ({ tag, archive }))), null, 2)}\n`);
  for (const f of manifest.files) if (!isInside(prefix, f)) throw new Error(`internal: ${f} is outside ${prefix}`);
  manifest.files.push(manifestPath(prefix));
  writeFileAtomic(manifestPath(prefix), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
