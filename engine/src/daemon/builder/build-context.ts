// The build context a client uploads (a tar, plain or gzip) unpacked into a private directory, its
// `.dockerignore` read, and the Dockerfile found in it. As dockerd, the Dockerfile and .dockerignore
// are always readable by the builder but COPY cannot reach them when .dockerignore leaves them out.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { DockerIgnore } from '../../common/dockerignore.js';
import { badRequest } from '../http/api-error.js';

export interface BuildContext {
  dir: string;
  ignore: DockerIgnore;
  dockerfile: string;
  remove(): void;
}

/** The body's first `n` bytes (fewer if it is shorter) and the whole body again as a stream. */
async function peek(body: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const it = body[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    parts.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(parts);
  const all = async function* () {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  };
  return { head, all: all() };
}

/**
 * Reads the body into `dir`: a tar (plain or gzip'd) is unpacked; anything else is the Dockerfile
 * itself (`docker build - < Dockerfile`), as dockerd takes it.
 */
async function unpack(body: Readable, dir: string, dockerfileName: string): Promise<void> {
  const { head, all } = await peek(body as AsyncIterable<Buffer>, 512);
  if (head.length === 0) return;
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const isTar = head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') throw badRequest("the build context is bzip2-compressed, which engined cannot read: send it plain or gzip'd");
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) throw badRequest("the build context is xz-compressed, which engined cannot read: send it plain or gzip'd");
  if (!gzip && !isTar) {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const c of all) {
      size += c.length;
      if (size > MAX_DOCKERFILE) throw badRequest('the Dockerfile sent as the build context is larger than 4 MiB');
      parts.push(c);
    }
    fs.writeFileSync(path.join(dir, dockerfileName || 'Dockerfile'), Buffer.concat(parts), { mode: 0o600 });
    return;
  }
  // node-tar keeps every entry inside `dir` and never extracts through a symlink; an absolute link
  // target loses its leading `/` (informational), which is all a link in a context can point at.
  const problems: string[] = [];
  const x = tar.x({ cwd: dir, preserveOwner: true, strict: false, onwarn: (code: string, message: string) => {
    if (code !== 'TAR_ENTRY_INFO') problems.push(message);
  } });
  try {
    await pipeline(Readable.from(all), x as unknown as NodeJS.WritableStream);
  } catch (err) {
    throw badRequest(`the build context is not a valid tar archive: ${(err as Error).message}`);
  }
  if (problems.length) throw badRequest(`the build context is not a valid tar archive: ${problems[0]}`);
}

const MAX_DOCKERFILE = 4 * 1024 * 1024;

export async function receiveContext(body: Readable, workDir: string, dockerfileName: string): Promise<BuildContext> {
  fs.mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const dir = fs.mkdtempSync(path.join(workDir, 'context-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    await unpack(body, dir, dockerfileName);
    const ignoreFile = path.join(dir, '.dockerignore');
    let ignore: DockerIgnore;
    try {
      ignore = new DockerIgnore(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '');
    } catch (err) {
      throw badRequest(`failed to read .dockerignore: ${(err as Error).message}`);
    }
    const name = path.posix.normalize(dockerfileName || 'Dockerfile');
    if (name.startsWith('../') || path.isAbsolute(name)) throw badRequest(`The Dockerfile (${dockerfileName}) must be within the build context`);
    let file = path.join(dir, name);
    // dockerd falls back to a lower-case `dockerfile` when the default name is missing.
    if (!dockerfileName && !fs.existsSync(file) && fs.existsSync(path.join(dir, 'dockerfile'))) file = path.join(dir, 'dockerfile');
    let st: fs.Stats;
    try {
      st = fs.lstatSync(file);
    } catch {
      throw badRequest(`Cannot locate specified Dockerfile: ${dockerfileName || 'Dockerfile'}`);
    }
    if (!st.isFile()) throw badRequest(`Cannot locate specified Dockerfile: ${dockerfileName || 'Dockerfile'}`);
    const dockerfile = fs.readFileSync(file, 'utf8');
    if (dockerfile.trim() === '') throw badRequest('the Dockerfile (Dockerfile) cannot be empty');
    return { dir, ignore, dockerfile, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
