// ADD's local archives unpacked into the step's tree as dockerd's chrooted untar does it: every entry's
// path resolved as a chroot would (symlinks already in the tree followed inside it, `..` stopping at
// its root), so nothing lands outside; links kept as written (absolute targets included), owners,
// modes and mtimes as the archive says; hard links resolved inside the tree too. Device nodes and
// FIFOs are refused (Node cannot make them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { resolveInRoot } from '../../api/containers/archive-path.js';
import { BuildStepError, mkdirInRoot, type Owner } from './copy-files.js';

interface Pending {
  host: string;
  mtime: Date | undefined;
}

/** The host path an entry goes to (its parent made if the archive skipped it), the entry's own path not followed. */
function placeOf(root: string, containerPath: string): string {
  const parent = path.posix.dirname(containerPath);
  mkdirInRoot(root, parent, { uid: 0, gid: 0 });
  const resolvedParent = resolveInRoot(root, parent, true);
  return path.join(root, resolvedParent, path.posix.basename(containerPath));
}

function clear(host: string, keepDir: boolean): fs.Stats | undefined {
  const st = fs.lstatSync(host, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (keepDir && st.isDirectory()) return st;
  fs.rmSync(host, { recursive: true, force: true });
  return undefined;
}

export async function untarInRoot(root: string, file: string, destDir: string): Promise<void> {
  const dirTimes: Pending[] = [];
  let failure: Error | undefined;
  const fail = (err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
  };
  const parser = new tar.Parser({
    strict: true,
    onReadEntry: (entry) => {
      if (failure) return entry.resume();
      try {
        const rel = entry.path.split('/').filter((c) => c !== '' && c !== '.').join('/');
        const containerPath = path.posix.join(destDir, rel);
        const owner = { uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
        const mode = (entry.mode ?? 0o644) & 0o7777;
        if (rel === '' && entry.type === 'Directory') return entry.resume();
        const host = placeOf(root, containerPath);
        const finish = () => {
          fs.lchownSync(host, owner.uid, owner.gid);
          if (entry.type !== 'SymbolicLink') fs.chmodSync(host, mode);
          if (entry.mtime && entry.type !== 'Directory') fs.lutimesSync(host, entry.mtime, entry.mtime);
        };
        switch (entry.type) {
          case 'Directory':
            if (!clear(host, true)) fs.mkdirSync(host);
            finish();
            dirTimes.push({ host, mtime: entry.mtime });
            return entry.resume();
          case 'SymbolicLink':
            clear(host, false);
            fs.symlinkSync(entry.linkpath ?? '', host);
            finish();
            return entry.resume();
          case 'Link': {
            clear(host, false);
            const target = path.join(root, resolveInRoot(root, path.posix.join(destDir, entry.linkpath ?? ''), false));
            fs.linkSync(target, host);
            return entry.resume();
          }
          case 'File':
          case 'OldFile':
          case 'ContiguousFile': {
            clear(host, false);
            // O_EXCL: never opened through a link that appeared meanwhile.
            const fd = fs.openSync(host, 'wx', 0o600);
            entry.on('data', (chunk: Buffer) => {
              try {
                fs.writeSync(fd, chunk);
              } catch (err) {
                fail(err);
              }
            });
            entry.on('end', () => {
              try {
                fs.closeSync(fd);
                finish();
              } catch (err) {
                fail(err);
              }
            });
            return undefined;
          }
          default:
            throw new BuildStepError(`ADD: ${entry.path} in ${path.basename(file)} is a ${entry.type}, which engined's builder cannot create`);
        }
      } catch (err) {
        fail(err);
        return entry.resume();
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    fs.createReadStream(file).on('error', reject).pipe(parser as unknown as NodeJS.WritableStream);
  }).catch((err: unknown) => fail(new BuildStepError(`ADD: ${path.basename(file)} is not a valid archive: ${(err as Error).message}`)));
  if (failure) throw failure instanceof BuildStepError ? failure : new BuildStepError(`ADD ${path.basename(file)}: ${failure.message}`);
  // Directory times last, once nothing more is written into them.
  for (const d of dirTimes.reverse()) if (d.mtime) fs.utimesSync(d.host, d.mtime, d.mtime);
}

/** ADD's test for a local archive it unpacks instead of copying: gzip, or a tar (ustar magic). */
export function archiveKind(file: string): 'tar' | 'gzip' | 'bzip2' | 'xz' | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, 512, 0);
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (n >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
    if (n >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
    if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Unpacks a local archive into the container directory `dest` (owners as the archive says). */
export async function extractArchive(root: string, file: string, dest: string, owner: Owner): Promise<void> {
  const kind = archiveKind(file);
  if (kind === 'bzip2' || kind === 'xz') throw new BuildStepError(`ADD: ${path.basename(file)} is ${kind}-compressed, which this builder cannot unpack: use a plain or gzip'd tar`);
  mkdirInRoot(root, dest, owner);
  await untarInRoot(root, file, resolveInRoot(root, dest, true));
}
