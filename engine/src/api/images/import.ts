// POST /images/create?fromSrc=-|URL&repo=…&tag=…&message=…&changes=…: `docker import`, the body (or
// the URL's content) as a one-layer image; answers with dockerd's JSON-lines `{"status": ID}`.
import { Readable } from 'node:stream';
import type { Engine } from '../../daemon/engine.js';
import { badRequest } from '../../daemon/http/api-error.js';
import type { HttpContext } from '../../daemon/http/context.js';
import { requireName } from '../../daemon/images/commit.js';
import { parseNewName } from '../../daemon/images/image-store.js';
import { importLayer } from '../../daemon/images/import-layer.js';
import { HOST_ARCH, HOST_OS, parsePlatform, platformMatches, type Platform } from '../../daemon/images/platform.js';

async function download(url: string): Promise<AsyncIterable<Buffer>> {
  if (!/^https?:\/\//.test(url)) throw badRequest(`fromSrc must be "-" or an http(s) URL, not ${JSON.stringify(url)}`);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw badRequest(`cannot download ${url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) throw badRequest(`cannot download ${url}: HTTP ${res.status}`);
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) as AsyncIterable<Buffer>;
}

export async function importFromSource(e: Engine, ctx: HttpContext): Promise<void> {
  const src = ctx.query.get('fromSrc') ?? '-';
  const repo = ctx.query.get('repo') ?? '';
  requireName(repo);
  const name = parseNewName(repo, ctx.query.get('tag') || undefined);
  const platform = ctx.query.get('platform');
  if (platform) {
    let wanted: Platform;
    try {
      wanted = parsePlatform(platform);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    if (!platformMatches(wanted, { os: HOST_OS, architecture: HOST_ARCH })) throw badRequest(`importing for platform ${platform} is not supported (host: ${HOST_OS}/${HOST_ARCH})`);
  }
  const input = src === '-' ? ctx.bodyStream() : await download(src);
  const id = await importLayer(e.containerd, e.images, input, {
    name,
    source: src,
    message: ctx.query.get('message') ?? '',
    changes: ctx.query.getAll('changes'),
    platform: { os: HOST_OS, architecture: HOST_ARCH },
  });
  e.events.publish('image', 'import', id, { name: name });
  const res = ctx.stream(200, 'application/json');
  res.end(`${JSON.stringify({ status: id })}\n`);
}
