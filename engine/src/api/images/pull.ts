// POST /images/create?fromImage&tag: a registry pull through containerd-ts's Transfer service,
// reported as Docker's JSON-lines progress. Errors before any progress get an HTTP status.
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { badRequest, statusOf, ApiError } from '../../daemon/http/api-error.js';
import { familiarRepository, familiarString, formatReference, normalize, ReferenceError, type Reference } from '../../common/reference.js';
import { errorMessage, isLayer, progressBar, shortId, type JsonMessage } from '../../daemon/images/progress-messages.js';
import { decodeRegistryAuth } from '../../daemon/images/registry-auth.js';
import { SNAPSHOTTER } from '../../daemon/containerd/client.js';
import { importFromSource } from './import.js';
import { formatPlatform, parsePlatform } from '../../daemon/images/platform.js';

function mirrorHosts(e: Engine, ref: Reference): string[] {
  if (ref.domain !== 'docker.io') return [];
  return e.config.registryMirrors.map((m) => m.replace(/^https?:\/\//, '').replace(/\/+$/, ''));
}

export function register(r: Router, e: Engine): void {
  r.post('/images/create', async (ctx) => {
    if (ctx.query.get('fromSrc') !== null) return importFromSource(e, ctx);
    const from = ctx.query.get('fromImage');
    if (!from) throw badRequest('fromImage is required');
    const tag = ctx.query.get('tag') ?? '';
    const platformSpec = ctx.query.get('platform');
    let platform = '';
    try {
      if (platformSpec) platform = formatPlatform(parsePlatform(platformSpec));
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    let ref: Reference;
    try {
      ref = normalize(tag ? (tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`) : from);
    } catch (err) {
      if (err instanceof ReferenceError) throw badRequest(err.message);
      throw err;
    }
    const name = formatReference(ref);
    const auth = decodeRegistryAuth(ctx.req.headers['x-registry-auth']);
    const attempts = [...mirrorHosts(e, ref).map((h) => `${h}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`), name];
    let lastErr: unknown;
    for (let i = 0; i < attempts.length; i++) {
      const reference = attempts[i]!;
      const host = reference.split('/')[0]!;
      const stream = e.containerd.transfer.pull({
        reference,
        snapshotter: SNAPSHOTTER,
        plainHttp: e.config.insecureRegistries.includes(host),
        maxConcurrentDownloads: e.config.maxConcurrentDownloads,
        ...(platform ? { platform } : {}),
        ...(auth ? { auth } : {}),
        name,
      })[Symbol.asyncIterator]();
      let first: IteratorResult<Awaited<ReturnType<typeof stream.next>>['value']>;
      try {
        // Nothing is sent until the reference resolved, so a missing image is an HTTP error, as in Docker.
        do first = await stream.next();
        while (!first.done && first.value.status === 'resolving');
      } catch (err) {
        lastErr = err;
        if (i < attempts.length - 1) continue;
        const { status, message } = statusOf(err);
        throw new ApiError(status === 500 ? 500 : status, status === 404 ? `pull access denied for ${familiarRepository(ref)}, repository does not exist or may require 'docker login': ${message}` : message);
      }
      const res = ctx.stream(200, 'application/json');
      const send = (m: JsonMessage) => res.write(`${JSON.stringify(m)}\n`);
      const seen = new Set<string>();
      let downloaded = false;
      let digest = '';
      try {
        for (let it = first; !it.done; it = await stream.next()) {
          const p = it.value;
          const id = shortId(p.id);
          if (p.status === 'resolved') {
            send({ status: `Pulling from ${familiarRepository(ref)}`, id: ref.tag ?? ref.digest ?? 'latest' });
            digest = p.target?.digest ?? '';
            continue;
          }
          if (p.status === 'done') {
            digest = p.target?.digest ?? digest;
            continue;
          }
          if (!isLayer(p.mediaType)) continue;
          const total = Number(p.total);
          const current = Number(p.offset);
          switch (p.status) {
            case 'waiting':
              if (!seen.has(id)) send({ status: 'Pulling fs layer', progressDetail: {}, id });
              seen.add(id);
              break;
            case 'downloading':
              downloaded = true;
              send({ status: 'Downloading', progressDetail: { current, total }, progress: progressBar(current, total), id });
              break;
            case 'downloaded':
              send({ status: 'Verifying Checksum', progressDetail: {}, id });
              send({ status: 'Download complete', progressDetail: {}, id });
              break;
            case 'exists':
              send({ status: 'Already exists', progressDetail: {}, id });
              break;
            case 'unpacking':
              send({ status: 'Extracting', progressDetail: { current: total, total }, progress: progressBar(total, total), id });
              break;
            case 'unpacked':
              send({ status: 'Pull complete', progressDetail: {}, id });
              break;
          }
        }
        if (!ref.digest) await e.images.recordRepoDigest(name);
        if (digest) send({ status: `Digest: ${digest}` });
        send({ status: `Status: ${downloaded ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(ref)}` });
        e.events.publish('image', 'pull', familiarString(ref), { name: familiarString(ref) });
      } catch (err) {
        send(errorMessage(statusOf(err).message));
      }
      res.end();
      return;
    }
    throw lastErr;
  });
}
