import * as fs from 'node:fs';
import * as path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { entryComponents, resolveDirInRoot } from './in-root-path.js';

// Applies one image layer (tar or tar+gzip) onto a rootfs: regular entries replace what lower
// layers left at their path, `.wh.<name>` deletes <name>, `.wh..wh..opq` empties its directory of
// lower-layer content. Entry names that are absolute or contain `..` are refused; parent
// directories resolve through symlinks only within the rootfs.

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** Unpacks `layerFile` onto `rootfs` synchronously; throws on the first entry it refuses. */
export function applyLayer(rootfs: string, layerFile: string, what: string): void {
  const state: LayerState = { rootfs, what, createdHere: new Set(), chown: process.getuid?.() === 0 };
  let failure: unknown;
  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    if (failure !== undefined) {
      entry.resume();
      return;
    }
    try {
      applyEntry(state, entry, (err) => {
        failure ??= err;
      });
    } catch (err) {
      failure ??= err;
      entry.resume();
    }
  });
  parser.on('error', (err: unknown) => {
    failure ??= new Error(`${what}: ${(err as Error).message}`);
  });
  parser.end(fs.readFileSync(layerFile));
  if (failure !== undefined) throw failure;
}

interface LayerState {
  rootfs: string;
  what: string;
  /** Host paths this layer wrote, which its own opaque markers must keep. */
  createdHere: Set<string>;
  chown: boolean;
}

function applyEntry(state: LayerState, entry: ReadEntry, fail: (err: unknown) => void): void {
  const parts = entryComponents(entry.path, state.what);
  const name = parts.pop();
  if (name === undefined) {
    entry.resume(); // the root itself ('./')
    return;
  }
  const dir = resolveDirInRoot(state.rootfs, parts, true, (p) => state.createdHere.add(p));
  const host = path.join(dir, name);

  if (name === OPAQUE_MARKER) {
    for (const child of fs.readdirSync(dir)) {
      const p = path.join(dir, child);
      if (!state.createdHere.has(p)) fs.rmSync(p, { recursive: true, force: true });
    }
    entry.resume();
    return;
  }
  if (name.startsWith(WHITEOUT_PREFIX)) {
    fs.rmSync(path.join(dir, name.slice(WHITEOUT_PREFIX.length)), { recursive: true, force: true });
    entry.resume();
    return;
  }

  const mode = (entry.mode ?? 0o644) & 0o7777;
  const owner = (p: string) => {
    if (state.chown) fs.lchownSync(p, entry.uid ?? 0, entry.gid ?? 0);
  };
  state.createdHere.add(host);
  switch (entry.type) {
    case 'Directory': {
      const st = fs.lstatSync(host, { throwIfNoEntry: false });
      if (st && !st.isDirectory()) fs.rmSync(host, { force: true });
      if (!st?.isDirectory()) fs.mkdirSync(host);
      owner(host);
      fs.chmodSync(host, mode);
      entry.resume();
      return;
    }
    case 'File':
    case 'OldFile':
    case 'ContiguousFile': {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        try {
          fs.rmSync(host, { recursive: true, force: true });
          fs.writeFileSync(host, Buffer.concat(chunks), { flag: 'wx', mode: 0o600 });
          owner(host);
          fs.chmodSync(host, mode);
          if (entry.mtime) fs.utimesSync(host, entry.mtime, entry.mtime);
        } catch (err) {
          fail(err);
        }
      });
      return;
    }
    case 'SymbolicLink':
      fs.rmSync(host, { recursive: true, force: true });
      fs.symlinkSync(entry.linkpath ?? '', host);
      owner(host);
      entry.resume();
      return;
    case 'Link': {
      const targetParts = entryComponents(entry.linkpath ?? '', `${state.what}: hardlink ${entry.path}`);
      const targetName = targetParts.pop();
      if (targetName === undefined) throw new Error(`${state.what}: hardlink ${entry.path} has no target`);
      const target = path.join(resolveDirInRoot(state.rootfs, targetParts, false), targetName);
      if (fs.lstatSync(target).isDirectory()) throw new Error(`${state.what}: hardlink ${entry.path} points to a directory`);
      fs.rmSync(host, { recursive: true, force: true });
      fs.linkSync(target, host);
      entry.resume();
      return;
    }
    default:
      throw new Error(`${state.what}: entry ${entry.path} has type ${entry.type}, which this unpacker does not create`);
  }
}
