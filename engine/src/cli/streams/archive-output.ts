// Where `save` and `export` put an archive: stdout, or a file written whole or not at all (a temp
// file renamed once the stream ended, so a failure never leaves a truncated file under the name).
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function writeArchive(res: Readable, output: string | undefined): Promise<void> {
  if (!output) return pipeline(res, process.stdout);
  const tmp = `${output}.${process.pid}.tmp`;
  await pipeline(res, fs.createWriteStream(tmp));
  fs.renameSync(tmp, output);
}
