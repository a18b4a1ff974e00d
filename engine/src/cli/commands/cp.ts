// engine cp [-a] [-L] CONTAINER:SRC DEST|-  |  engine cp [-a] [-L] SRC|- CONTAINER:DEST
// docker's copy rules over the archive API: into an existing directory the source keeps its name,
// otherwise it takes the destination's; SRC/. copies a directory's contents; `-` is a tar on stdio.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../api-client.js';
import { api, exit, fail, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  src: string;
  dest: string;
  archive: boolean;
  'follow-link': boolean;
}

interface PathStat {
  name: string;
  mode: number;
  linkTarget: string;
}

const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const isDirMode = (mode: number) => Math.floor(mode / GO_DIR) % 2 === 1;
const isLinkMode = (mode: number) => Math.floor(mode / GO_SYMLINK) % 2 === 1;

/** docker's rule: a local path starts with / or ., anything else with a colon names a container. */
export function splitCpArg(arg: string): { container?: string; path: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg };
  const i = arg.indexOf(':');
  return i > 0 ? { container: arg.slice(0, i), path: arg.slice(i + 1) } : { path: arg };
}

const contentsOnly = (p: string) => /(^|\/)\.$/.test(p);

function die(message: string): never {
  process.stderr.write(`Error: ${message}\n`);
  exit(1);
}

function decodeStat(header: string | string[] | undefined): PathStat {
  if (typeof header !== 'string') die('the engine sent no path stat');
  return JSON.parse(Buffer.from(header, 'base64').toString()) as PathStat;
}

async function fromContainer(a: Args, container: string, src: string, dest: string): Promise<void> {
  const get = async (p: string) => {
    try {
      return await api(a).stream('GET', `/containers/${encodeURIComponent(container)}/archive`, { query: { path: p } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) die(`No such container:path: ${container}:${p}`);
      throw err;
    }
  };
  let res = await get(src);
  let stat = decodeStat(res.headers['x-docker-container-path-stat']);
  if (a['follow-link'] && isLinkMode(stat.mode) && stat.linkTarget) {
    res.resume();
    res = await get(stat.linkTarget);
    stat = { ...decodeStat(res.headers['x-docker-container-path-stat']), name: stat.name };
  }
  if (dest === '-') return pipeline(res, process.stdout);
  const destStat = fs.statSync(dest, { throwIfNoEntry: false });
  const srcDir = isDirMode(stat.mode);
  let cwd: string;
  let rename: string | undefined;
  if (destStat?.isDirectory()) {
    cwd = dest;
  } else {
    if (destStat && srcDir) die(`cannot copy directory to a file: ${dest}`);
    if (!destStat && dest.endsWith('/')) die(`destination directory ${JSON.stringify(dest)} must exist`);
    cwd = path.dirname(dest);
    if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) die(`no such directory: ${cwd}`);
    if (stat.name === '.') {
      fs.mkdirSync(dest);
      cwd = dest;
    } else rename = path.basename(dest);
  }
  const from = stat.name;
  const unpack = tar.x({
    cwd,
    umask: 0,
    preserveOwner: a.archive,
    onReadEntry: (entry) => {
      if (rename && (entry.path === from || entry.path.startsWith(`${from}/`))) entry.path = rename + entry.path.slice(from.length);
    },
  });
  await pipeline(res, unpack);
}

async function toContainer(a: Args, src: string, container: string, dest: string): Promise<void> {
  const put = async (dir: string, body: NodeJS.ReadableStream) => {
    const res = await api(a).raw('PUT', `/containers/${encodeURIComponent(container)}/archive`, {
      query: { path: dir, noOverwriteDirNonDir: true, copyUIDGID: a.archive },
      stream: body,
    });
    const text = await new Promise<string>((resolve) => {
      let t = '';
      res.on('data', (c: Buffer) => (t += c.toString()));
      res.on('end', () => resolve(t));
    });
    if (res.statusCode === 404) die(`No such container:path: ${container}:${dir}`);
    if ((res.statusCode ?? 500) >= 400) throw new ApiError(res.statusCode ?? 500, (JSON.parse(text || '{}') as { message?: string }).message ?? text);
  };
  if (src === '-') return put(dest, process.stdin);
  const st = (a['follow-link'] ? fs.statSync : fs.lstatSync)(src, { throwIfNoEntry: false });
  if (!st) die(`lstat ${path.resolve(src)}: no such file or directory`);
  let destStat: PathStat | undefined;
  const head = await api(a).raw('HEAD', `/containers/${encodeURIComponent(container)}/archive`, { query: { path: dest } });
  head.resume();
  if (head.statusCode === 200) destStat = decodeStat(head.headers['x-docker-container-path-stat']);
  else if (head.statusCode !== 404) throw new ApiError(head.statusCode ?? 500, `cannot stat ${container}:${dest}`);
  const contents = st.isDirectory() && contentsOnly(src);
  let dir = dest;
  let rename: string | undefined;
  if (!destStat || !isDirMode(destStat.mode)) {
    if (destStat && st.isDirectory()) die(`cannot copy directory to a file: ${container}:${dest}`);
    if (!destStat && dest.endsWith('/')) die(`destination directory ${container}:${dest} must exist`);
    dir = path.posix.dirname(dest);
    rename = path.posix.basename(dest);
  }
  const own = path.basename(path.resolve(src));
  const pack = contents
    ? tar.c({ cwd: src, portable: !a.archive, follow: a['follow-link'], ...(rename ? { prefix: rename } : {}) }, ['.'])
    : tar.c(
        {
          cwd: path.dirname(path.resolve(src)),
          portable: !a.archive,
          follow: a['follow-link'],
          ...(rename ? { onWriteEntry: (e: { path: string }) => void (e.path = rename + e.path.slice(own.length)) } : {}),
        },
        [own],
      );
  await put(dir, pack as unknown as NodeJS.ReadableStream);
}

export const cp: CommandModule<GlobalArgs, Args> = {
  command: 'cp <src> <dest>',
  describe: 'Copy files/folders between a container and the local filesystem',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('src', { type: 'string', demandOption: true })
      .positional('dest', { type: 'string', demandOption: true })
      .option('archive', { alias: 'a', type: 'boolean', default: false, describe: 'archive mode (copy all uid/gid information)' })
      .option('follow-link', { alias: 'L', type: 'boolean', default: false, describe: 'always follow symbol link in SRC_PATH' }) as unknown as Argv<Args>,
  handler: async (a) => {
    // yargs hands a lone "-" over as "".
    const src = splitCpArg(a.src || '-');
    const dest = splitCpArg(a.dest || '-');
    if (src.container && dest.container) die('copying between containers is not supported');
    if (!src.container && !dest.container) die('must specify at least one container source');
    try {
      if (src.container) await fromContainer(a, src.container, src.path, dest.path);
      else await toContainer(a, src.path, dest.container!, dest.path);
    } catch (err) {
      fail(err);
    }
    exit(0);
  },
};
