// Test images built with @stack/tools, and comparing an unpacked snapshot with the image's tree as
// an independent unpacker (tools' applyLayer) sees it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyLayer, buildBusyboxImage, writeOciImage, type BuiltImage, type LayerSpec } from '@stack/tools';
import { chainIds } from '../../src/core/images/manifest.js';
import type { Digest } from '../../src/core/digest.js';
import { describeTree, mountAll, type TreeEntry } from './temp.js';
import { ctrTs, type TestDaemon } from './daemon.js';

export async function busybox(dir: string): Promise<BuiltImage> {
  return buildBusyboxImage({ outDir: path.join(dir, 'busybox-layout'), archivePath: path.join(dir, 'busybox.tar') });
}

/** Three layers with files, links, a deleted file, a deleted directory and an opaque directory. */
export const MULTI_LAYERS: LayerSpec[] = [
  {
    entries: [
      { path: 'etc/os-release', type: 'file', content: 'ID=test\n' },
      { path: 'etc/config', type: 'file', content: 'v1\n', mode: 0o600 },
      { path: 'usr/bin/tool', type: 'file', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
      { path: 'usr/bin/alias', type: 'symlink', linkname: 'tool' },
      { path: 'var/cache/a', type: 'file', content: 'cache a' },
      { path: 'var/cache/b', type: 'file', content: 'cache b' },
      { path: 'opt/old/x', type: 'file', content: 'x' },
      { path: 'home/user', type: 'dir', mode: 0o750, uid: 1000, gid: 1000 },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    ],
  },
  {
    entries: [
      { path: 'etc/config', type: 'whiteout' },
      { path: 'opt/old', type: 'whiteout' },
      { path: 'var/cache', type: 'opaque' },
      { path: 'var/cache/c', type: 'file', content: 'cache c' },
      { path: 'usr/bin/tool', type: 'file', content: '#!/bin/sh\necho tool v2\n', mode: 0o755 },
      { path: 'usr/bin/hard', type: 'hardlink', linkname: 'usr/bin/tool' },
      { path: 'home/user/.profile', type: 'file', content: 'export A=1\n', uid: 1000, gid: 1000 },
    ],
  },
  {
    entries: [
      { path: 'etc/config', type: 'file', content: 'v3\n' },
      { path: 'srv/data/big', type: 'file', content: Buffer.alloc(300_000, 7) },
      { path: 'usr/bin/alias', type: 'whiteout' },
    ],
  },
];

export async function multiLayer(dir: string, name = 'multi'): Promise<BuiltImage> {
  return writeOciImage({ outDir: path.join(dir, `${name}-layout`), layers: MULTI_LAYERS, config: { cmd: ['/usr/bin/tool'] }, archivePath: path.join(dir, `${name}.tar`), repoTag: `docker.io/library/${name}:latest` });
}

export function topChainId(img: BuiltImage): Digest {
  const chain = chainIds(img.layers.map((l) => l.diffId as Digest));
  return chain[chain.length - 1] as Digest;
}

/** The image's file tree as tools' own unpacker produces it. */
export function expectedTree(img: BuiltImage, scratch: string): Record<string, TreeEntry> {
  const root = fs.mkdtempSync(path.join(scratch, 'expected-'));
  for (const l of img.layers) applyLayer(root, path.join(img.layoutDir, 'blobs', 'sha256', l.digest.slice(7)), l.digest);
  return describeTree(root);
}

/** Mounts a view of the image's top snapshot (through ctr-ts) and describes its tree. */
export async function snapshotTree(d: TestDaemon, namespace: string, chainId: string, scratch: string): Promise<Record<string, TreeEntry>> {
  const key = `view-${Math.random().toString(36).slice(2)}`;
  const r = await ctrTs(d, ['-n', namespace, '--format', 'json', 'snapshots', 'view', key, chainId]);
  if (r.code !== 0) throw new Error(`snapshots view: ${r.stderr}`);
  const target = fs.mkdtempSync(path.join(scratch, 'mnt-'));
  mountAll(JSON.parse(r.stdout) as Array<{ type: string; source: string; options: string[] }>, target);
  try {
    return describeTree(target);
  } finally {
    require('node:child_process').execFileSync('umount', [target]);
    await ctrTs(d, ['-n', namespace, 'snapshots', 'rm', key]);
  }
}

/** What the store holds in a namespace, to check that a failed operation changed nothing. */
export async function storeState(d: TestDaemon, namespace = 'default'): Promise<{ images: string; content: string; snapshots: string }> {
  const q = async (args: string[]) => {
    const r = await ctrTs(d, ['-n', namespace, ...args]);
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  return { images: await q(['images', 'ls', '-q']), content: await q(['content', 'ls', '-q']), snapshots: await q(['snapshots', 'ls']) };
}
