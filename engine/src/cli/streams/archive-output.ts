// Where `save` and `export` put an archive: stdout, or a file written whole or not at all (a temp
// file renamed once the stream ended, so a failure never leaves a truncated file under the name).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** docker's check of -o before any request: the directory exists, and the path is no device or socket. */
export function validateOutputPath(output: string): void {
  const dir = path.dirname(path.normalize(output));
  if (dir !== '.' && !fs.existsSync(dir)) throw new Error(`invalid output path: directory ${JSON.stringify(dir)} does not exist`);
  let st: fs.Stats;
  try {
    st = fs.statSync(output);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return;
    throw new Error(`stat ${output}: ${e.code === 'ENOTDIR' ? 'not a directory' : (/^[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code)}`);
  }
  if (!st.isDirectory() && !st.isFile()) throw new Error(`invalid output path: ${JSON.stringify(output)} must be a directory or a regular file`);
}

export async function writeArchive(res: Readable, output: string | undefined): Promise<void> {
  if (!output) return pipeline(res, process.stdout);
  const tmp = `${output}.${process.pid}.tmp`;
  try {
    await pipeline(res, fs.createWriteStream(tmp));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    // The temp file is ours, not the user's: name the file they asked for.
    const e = err as NodeJS.ErrnoException;
    if (e.path === tmp) throw new Error(`open ${output}: ${/^[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code}`);
    throw err;
  }
  fs.renameSync(tmp, output);
}
