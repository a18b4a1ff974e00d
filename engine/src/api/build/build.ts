// POST /build: a classic (non-BuildKit) build of the uploaded context, answered with dockerd's
// JSON-lines stream ({"stream"} step output, {"aux":{"ID"}}, {"errorDetail","error"} on failure).
// Query parameters are dockerd's; those naming something this builder does not do (resource
// limits, squash, remote contexts, BuildKit sessions) are refused rather than ignored.
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import { familiarName } from '../../common/reference.js';
import { build, BuildFailure, type BuildOptions } from '../../daemon/builder/builder.js';
import { receiveContext } from '../../daemon/builder/build-context.js';
import type { Engine } from '../../daemon/engine.js';
import { ApiError, badRequest } from '../../daemon/http/api-error.js';
import type { HttpContext } from '../../daemon/http/context.js';
import type { Router } from '../../daemon/http/router.js';
import { parseNewName } from '../../daemon/images/image-store.js';
import { HOST_ARCH, HOST_OS } from '../../daemon/images/platform.js';
import type { JsonMessage } from '../../daemon/images/progress-messages.js';

/** Parameters the docker client sends with zero values; anything else asks for what is not built. */
const UNSUPPORTED: Record<string, string> = {
  memory: '--memory',
  memswap: '--memory-swap',
  cpushares: '--cpu-shares',
  cpusetcpus: '--cpuset-cpus',
  cpusetmems: '--cpuset-mems',
  cpuperiod: '--cpu-period',
  cpuquota: '--cpu-quota',
  shmsize: '--shm-size',
  cgroupparent: '--cgroup-parent',
  ulimits: '--ulimit',
  extrahosts: '--add-host',
  squash: '--squash',
  remote: 'a remote build context (URL or git repository)',
  isolation: '--isolation',
  securityopt: '--security-opt',
  outputs: '--output',
  session: 'a BuildKit session',
};

const ZERO = new Set(['', '0', 'false', 'null', '[]', '{}', 'default']);

function jsonParam<T>(ctx: HttpContext, name: string, check: (v: unknown) => v is T): T | undefined {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw badRequest(`invalid ${name}: ${JSON.stringify(raw)} is not JSON`);
  }
  if (v === null) return undefined;
  if (!check(v)) throw badRequest(`invalid ${name}: ${raw}`);
  return v;
}

const isStringMap = (v: unknown): v is Record<string, string | null> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === 'string');
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

export function buildOptions(ctx: HttpContext, e: Engine, signal: AbortSignal): BuildOptions & { dockerfile: string; quiet: boolean } {
  for (const [k, flag] of Object.entries(UNSUPPORTED)) {
    const v = ctx.query.get(k);
    if (v !== null && !ZERO.has(v)) throw badRequest(`${flag} is not supported by engined's builder`);
  }
  if (ctx.query.get('version') === '2') throw badRequest('BuildKit (builder version 2) is not supported by engined: build with DOCKER_BUILDKIT=0');
  const platform = ctx.query.get('platform');
  if (platform && !new RegExp(`^${HOST_OS}(/${HOST_ARCH})?$`).test(platform)) throw badRequest(`--platform ${platform}: engined builds for the host platform ${HOST_OS}/${HOST_ARCH} only`);
  const cacheFrom = jsonParam(ctx, 'cachefrom', isStringList) ?? [];
  if (cacheFrom.length) throw badRequest('--cache-from is not supported by engined\'s builder (its cache is local only)');
  const tags = ctx.query.getAll('t').filter(Boolean).map((t) => parseNewName(t, undefined));
  const buildArgs = new Map<string, string>();
  for (const [k, v] of Object.entries(jsonParam(ctx, 'buildargs', isStringMap) ?? {})) {
    // A null value means "from the client's environment", which the client resolves; unresolved: unset.
    if (v !== null) buildArgs.set(k, v);
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(jsonParam(ctx, 'labels', isStringMap) ?? {})) labels[k] = v ?? '';
  // Any mode a container takes (a user-defined network included): each step's container create checks it.
  const networkMode = ctx.query.get('networkmode') || 'default';
  const rm = ctx.query.get('rm') === null ? true : ctx.flag('rm');
  return {
    tags,
    buildArgs,
    target: ctx.query.get('target') || undefined,
    noCache: ctx.flag('nocache'),
    pull: ctx.flag('pull'),
    labels,
    networkMode,
    rm: rm || ctx.flag('forcerm'),
    workDir: path.join(e.config.dataRoot, 'tmp', 'build'),
    signal,
    dockerfile: ctx.query.get('dockerfile') ?? '',
    quiet: ctx.flag('q'),
  };
}

export function register(r: Router, e: Engine): void {
  r.post('/build', async (ctx) => {
    const gone = new AbortController();
    const o = buildOptions(ctx, e, gone.signal);
    const context = await receiveContext(ctx.req, o.workDir, o.dockerfile);
    // A client that goes away cancels the build (its socket closes; the response may not have started).
    const socket = ctx.req.socket;
    const cancel = () => gone.abort();
    socket.once('close', cancel);
    // As dockerd, the answer starts with the first output: what fails before it (the Dockerfile's
    // parse above all) is an HTTP error, what fails after is an errorDetail in the stream.
    let res: ServerResponse | undefined;
    const send = (m: JsonMessage) => {
      res ??= ctx.stream(200, 'application/json');
      if (!res.destroyed) res.write(`${JSON.stringify(m)}\n`);
    };
    const out = {
      stream: (text: string) => {
        if (!o.quiet) send({ stream: text });
      },
      status: (m: { status: string; id?: string }) => {
        if (!o.quiet) send(m);
      },
    };
    try {
      const built = await build(e, context, o, out);
      send({ aux: { ID: built.id } });
      if (o.quiet) send({ stream: `${built.id}\n` });
      else {
        out.stream(`Successfully built ${built.id.slice(7, 19)}\n`);
        for (const t of o.tags) out.stream(`Successfully tagged ${familiarName(t)}\n`);
      }
      for (const t of o.tags) e.events.publish('image', 'tag', built.id, { name: familiarName(t) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof BuildFailure ? err.code : undefined;
      if (!(err instanceof BuildFailure) && !(err instanceof ApiError)) e.log.warn(`build: ${err instanceof Error ? (err.stack ?? message) : message}`);
      if (!res) throw err instanceof BuildFailure ? badRequest(message) : err;
      send({ errorDetail: { message, ...(code !== undefined ? { code } : {}) } as { message: string }, error: message });
    } finally {
      socket.off('close', cancel);
      context.remove();
      res?.end();
    }
  });
}
