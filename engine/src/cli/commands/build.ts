// engine build [-t REF]… [-f FILE] [--build-arg K[=V]]… [--target S] [--no-cache] [--pull] [-q]
//   [--iidfile F] [--label K=V]… [--network M] [--progress auto|plain|tty] CONTEXT|-
// The context directory is sent as a tar (honouring .dockerignore, owners zeroed as docker's client
// does, the Dockerfile and .dockerignore always included); `-` sends stdin as it is (a tar or a
// Dockerfile). The daemon's step stream is printed; a failed RUN exits with its command's code.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as tar from 'tar';
import type { Argv, CommandModule } from 'yargs';
import { DockerIgnore } from '../../common/dockerignore.js';
import { api, exit, fail, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  context: string;
  tag: string[];
  file?: string;
  'build-arg': string[];
  target?: string;
  'no-cache': boolean;
  pull: boolean;
  quiet: boolean;
  iidfile?: string;
  label: string[];
  network?: string;
  progress: string;
  rm: boolean;
  'force-rm': boolean;
}

interface Message {
  stream?: string;
  status?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

/** The context directory as a tar stream; `dockerfile` is the name the daemon should read. */
function contextTar(dir: string, file: string | undefined): { stream: Readable; dockerfile: string } {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new Error(`unable to prepare context: path "${dir}" not found`);
  const ignoreFile = path.join(dir, '.dockerignore');
  const ignore = new DockerIgnore(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : '');
  const dfHost = path.resolve(dir, file ?? 'Dockerfile');
  if (!fs.existsSync(dfHost)) throw new Error(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfHost}: no such file or directory`);
  let rel = path.relative(path.resolve(dir), dfHost).split(path.sep).join('/');
  // A Dockerfile outside the context travels inside it under a name of its own, as docker's client does.
  const outside = rel.startsWith('../') || path.isAbsolute(rel);
  const keep = new Set([rel, '.dockerignore']);
  const c = tar.c({ cwd: dir, portable: true, follow: false, filter: (p) => {
    const r = p.replace(/^\.\/?/, '');
    return r === '' || keep.has(r) || !ignore.ignores(r);
  } }, ['.']);
  if (!outside) return { stream: c as unknown as Readable, dockerfile: rel };
  rel = `.dockerfile.${randomBytes(10).toString('hex')}`;
  // The context tar without its end blocks, then the Dockerfile as one more entry.
  const body = fs.readFileSync(dfHost);
  const out = new PassThrough();
  void (async () => {
    try {
      const parts: Buffer[] = [];
      for await (const chunk of c as unknown as AsyncIterable<Buffer>) parts.push(chunk);
      let whole = Buffer.concat(parts);
      while (whole.length >= 512 && whole.subarray(whole.length - 512).every((b) => b === 0)) whole = whole.subarray(0, whole.length - 512);
      out.write(whole);
      const h = new tar.Header({ path: rel, mode: 0o600, size: body.length, type: 'File', mtime: new Date(), uid: 0, gid: 0 });
      const block = Buffer.alloc(512);
      h.encode(block);
      out.write(block);
      out.write(body);
      out.write(Buffer.alloc((512 - (body.length % 512)) % 512));
      out.end(Buffer.alloc(1024));
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return { stream: out, dockerfile: rel };
}

function buildArgs(list: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i === 0) throw new Error(`invalid argument "${a}" for "--build-arg" flag: variable name cannot be empty`);
    if (i > 0) out[a.slice(0, i)] = a.slice(i + 1);
    else out[a] = process.env[a] ?? null;
  }
  return out;
}

function labels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    out[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  return out;
}

export const build: CommandModule<GlobalArgs, Args> = {
  command: 'build <context>',
  describe: 'Build an image from a Dockerfile',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('context', { type: 'string', demandOption: true, describe: 'PATH (a directory) or - (a tar or Dockerfile on stdin)' })
      .option('tag', { alias: 't', type: 'string', array: true, default: [], describe: "Name and optionally a tag in the 'name:tag' format" })
      .option('file', { alias: 'f', type: 'string', describe: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" })
      .option('build-arg', { type: 'string', array: true, default: [], describe: 'Set build-time variables' })
      .option('target', { type: 'string', describe: 'Set the target build stage to build.' })
      .option('no-cache', { type: 'boolean', default: false, describe: 'Do not use cache when building the image' })
      .option('pull', { type: 'boolean', default: false, describe: 'Always attempt to pull a newer version of the image' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Suppress the build output and print image ID on success' })
      .option('iidfile', { type: 'string', describe: 'Write the image ID to the file' })
      .option('label', { type: 'string', array: true, default: [], describe: 'Set metadata for an image' })
      .option('network', { type: 'string', describe: 'Set the networking mode for the RUN instructions during build (default "default")' })
      .option('progress', { type: 'string', default: 'auto', describe: 'Set type of progress output (auto, plain, tty)' })
      .option('rm', { type: 'boolean', default: true, describe: 'Remove intermediate containers after a successful build' })
      .option('force-rm', { type: 'boolean', default: false, describe: 'Always remove intermediate containers' }) as unknown as Argv<Args>,
  handler: async (a) => {
    let code = 0;
    try {
      if (!['auto', 'plain', 'tty'].includes(a.progress)) throw new Error(`invalid --progress value ${JSON.stringify(a.progress)}: auto, plain or tty`);
      let stream: NodeJS.ReadableStream;
      let dockerfile = a.file;
      // yargs hands a lone `-` over as an empty string.
      const contextArg = a.context || '-';
      if (contextArg === '-') {
        if (a.file === '-' || a.file === '') throw new Error('invalid argument: can\'t use stdin for both build context and dockerfile');
        stream = process.stdin;
      } else if (a.file === '-' || a.file === '') {
        // The Dockerfile from stdin, the context from the directory.
        const text = fs.readFileSync(0);
        const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'engine-build-'));
        fs.writeFileSync(path.join(tmp, 'Dockerfile'), text);
        const t = contextTar(contextArg, path.relative(contextArg, path.join(tmp, 'Dockerfile')));
        t.stream.on('close', () => fs.rmSync(tmp, { recursive: true, force: true }));
        stream = t.stream;
        dockerfile = t.dockerfile;
      } else {
        const t = contextTar(contextArg, a.file);
        stream = t.stream;
        dockerfile = t.dockerfile;
      }
      if (a.iidfile) fs.rmSync(a.iidfile, { force: true });
      const res = await api(a).stream('POST', '/build', {
        query: {
          t: a.tag,
          dockerfile,
          buildargs: JSON.stringify(buildArgs(a['build-arg'])),
          labels: JSON.stringify(labels(a.label)),
          target: a.target,
          nocache: a['no-cache'],
          pull: a.pull,
          q: a.quiet,
          rm: a.rm,
          forcerm: a['force-rm'],
          networkmode: a.network ?? 'default',
        },
        stream,
      });
      let id = '';
      let rest = '';
      for await (const chunk of res as AsyncIterable<Buffer>) {
        rest += chunk.toString('utf8');
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl).trim();
          rest = rest.slice(nl + 1);
          if (!line) continue;
          const m = JSON.parse(line) as Message;
          if (m.error || m.errorDetail) {
            process.stderr.write(`${m.errorDetail?.message ?? m.error}\n`);
            code = m.errorDetail?.code || 1;
            continue;
          }
          if (m.aux?.ID) id = m.aux.ID;
          if (a.quiet) continue;
          if (m.stream !== undefined) process.stdout.write(m.stream);
          else if (m.status !== undefined) process.stdout.write(`${m.id ? `${m.id}: ` : ''}${m.status}\n`);
        }
      }
      if (code === 0) {
        if (!id) throw new Error('the daemon ended the build without an image ID');
        if (a.quiet) process.stdout.write(`${id}\n`);
        if (a.iidfile) fs.writeFileSync(a.iidfile, id);
      }
    } catch (err) {
      fail(err);
    }
    exit(code);
  },
};
