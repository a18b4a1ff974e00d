// Temp dirs for a test, removed afterwards even when the test fails (unmounting anything left).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

export function tempDir(prefix = 'ctd-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Unmounts every mount at or below dir (deepest first), then removes dir. */
export function removeTree(dir: string): void {
  const mounts = fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Mounts what a snapshotter returned (overlay or bind) at target with mount(8). */
export function mountAll(mounts: Array<{ type: string; source: string; options: string[] }>, target: string): void {
  for (const m of mounts) {
    const bind = m.type === 'bind' || m.options.includes('rbind') || m.options.includes('bind');
    const opts = m.options.filter((o) => o !== 'rbind' && o !== 'bind');
    if (bind) {
      execFileSync('mount', ['--rbind', m.source, target]);
      if (opts.includes('ro')) execFileSync('mount', ['-o', 'remount,ro,bind', target]);
    } else {
      execFileSync('mount', ['-t', m.type, m.source, target, '-o', opts.join(',')]);
    }
  }
}

export interface TreeEntry {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  content?: string;
  link?: string;
}

/** A comparable description of a directory tree: every path with type, mode, owner and content. */
export function describeTree(root: string): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const walk = (rel: string) => {
    const p = rel === '' ? root : path.join(root, rel);
    const st = fs.lstatSync(p);
    const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    if (st.isDirectory()) {
      if (rel !== '') out[rel] = { type: 'dir', size: 0, ...base };
      for (const name of fs.readdirSync(p).sort()) walk(rel === '' ? name : `${rel}/${name}`);
    } else if (st.isSymbolicLink()) {
      out[rel] = { type: 'symlink', size: 0, link: fs.readlinkSync(p), ...base };
    } else if (st.isFile()) {
      out[rel] = { type: 'file', size: st.size, content: require('node:crypto').createHash('sha256').update(fs.readFileSync(p)).digest('hex'), ...base };
    } else {
      out[rel] = { type: 'other', size: 0, ...base };
    }
  };
  walk('');
  return out;
}
