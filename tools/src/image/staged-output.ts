import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

// All-or-nothing output: everything is written into a temp path beside the target (same file
// system, so the final rename is atomic) and renamed into place only when complete. On failure
// the temp path and any parent directories we had to create are removed again.

export interface StagedOutput {
  /** Where to write now. */
  readonly tmp: string;
  /** Renames the temp path onto the target. */
  commit(): Promise<void>;
  /** Removes what was staged (safe to call after a failed or successful commit). */
  discard(): Promise<void>;
}

/** Stages a directory that will replace `target` (an absent or empty dir, or an earlier OCI layout). */
export async function stageDirectory(target: string, what: string): Promise<StagedOutput> {
  const abs = path.resolve(target);
  const existing = inspectTarget(abs, what);
  if (existing === 'file') throw new Error(`${what} ${abs} exists and is not a directory`);
  if (existing === 'foreign') throw new Error(`${what} ${abs} exists, is not empty and is not an OCI layout to replace`);
  const createdParent = await makeParents(abs, what);
  let tmp: string;
  try {
    tmp = await fs.promises.mkdtemp(path.join(path.dirname(abs), `.${path.basename(abs)}.tmp-`));
    await fs.promises.chmod(tmp, 0o755);
  } catch (err) {
    await removeQuietly(createdParent);
    throw notWritable(what, abs, err);
  }
  let committed = false;
  return {
    tmp,
    async commit() {
      if (existing === 'layout') {
        // rename(2) cannot replace a non-empty directory: move the old layout aside first.
        const old = `${path.dirname(abs)}/.${path.basename(abs)}.old-${randomBytes(4).toString('hex')}`;
        await fs.promises.rename(abs, old);
        try {
          await fs.promises.rename(tmp, abs);
        } catch (err) {
          await fs.promises.rename(old, abs);
          throw err;
        }
        await removeQuietly(old);
      } else {
        await fs.promises.rename(tmp, abs);
      }
      committed = true;
    },
    async discard() {
      await removeQuietly(tmp);
      if (!committed) await removeQuietly(createdParent);
    },
  };
}

/** Stages a file that will replace `target`. */
export async function stageFile(target: string, what: string): Promise<StagedOutput> {
  const abs = path.resolve(target);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    throw notWritable(what, abs, err);
  }
  if (st?.isDirectory()) throw new Error(`${what} ${abs} is a directory`);
  const createdParent = await makeParents(abs, what);
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await (await fs.promises.open(tmp, 'wx', 0o644)).close();
  } catch (err) {
    await removeQuietly(createdParent);
    throw notWritable(what, abs, err);
  }
  let committed = false;
  return {
    tmp,
    async commit() {
      await fs.promises.rename(tmp, abs);
      committed = true;
    },
    async discard() {
      if (!committed) {
        await removeQuietly(tmp);
        await removeQuietly(createdParent);
      }
    },
  };
}

/** Commits several staged outputs together; if one fails, the ones already committed are removed. */
export async function commitAll(targets: readonly { staged: StagedOutput; target: string }[]): Promise<void> {
  const done: string[] = [];
  try {
    for (const { staged, target } of targets) {
      await staged.commit();
      done.push(path.resolve(target));
    }
  } catch (err) {
    for (const t of done) await removeQuietly(t);
    throw err;
  }
}

type TargetState = 'absent' | 'empty' | 'layout' | 'file' | 'foreign';

function inspectTarget(abs: string, what: string): TargetState {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    throw notWritable(what, abs, err);
  }
  if (!st) return 'absent';
  if (!st.isDirectory()) return 'file';
  const names = fs.readdirSync(abs);
  if (names.length === 0) return 'empty';
  return names.includes('oci-layout') ? 'layout' : 'foreign';
}

/**
 * mkdir -p of the target's parent; returns the topmost directory it created, to undo on failure.
 * One level at a time rather than `recursive: true`, which reports ENOENT where the real cause
 * is EROFS or EACCES.
 */
async function makeParents(abs: string, what: string): Promise<string | undefined> {
  const missing: string[] = [];
  let dir = path.dirname(abs);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) {
    missing.unshift(dir);
    dir = path.dirname(dir);
  }
  let created = 0;
  try {
    for (const d of missing) {
      await fs.promises.mkdir(d, { mode: 0o755 });
      created++;
    }
  } catch (err) {
    if (created > 0) await removeQuietly(missing[0]);
    throw notWritable(what, abs, err);
  }
  return missing[0];
}

function notWritable(what: string, abs: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  return new Error(`${what} ${abs} is not writable: ${e.code ?? 'error'} (${e.message})`, { cause: err });
}

async function removeQuietly(p: string | undefined): Promise<void> {
  if (p) await fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined);
}
