// ADD's remote sources: an http(s) URL downloaded by engined into a private directory, named after the
// URL's last path element, mode 0600 and dated by Last-Modified, as dockerd does; never unpacked.
// A download that fails is a build error naming the URL and why.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BuildStepError, type Source } from './copy-files.js';

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export async function download(url: string, dir: string): Promise<Source> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    throw new BuildStepError(`ADD failed: failed to GET ${url}: ${cause?.message ?? (err as Error).message}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    throw new BuildStepError(`ADD failed: failed to GET ${url} with status ${res.status} ${res.statusText}`);
  }
  const name = decodeURIComponent(new URL(res.url || url).pathname.split('/').filter(Boolean).at(-1) ?? '');
  if (!name || name === '.' || name === '..' || name.includes('/')) {
    await res.body.cancel().catch(() => undefined);
    throw new BuildStepError(`ADD failed: cannot determine a filename from the URL ${url}: give the destination a file name`);
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const host = path.join(fs.mkdtempSync(path.join(dir, 'url-')), name);
  try {
    await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), fs.createWriteStream(host, { mode: 0o600 }));
  } catch (err) {
    throw new BuildStepError(`ADD failed: reading ${url}: ${(err as Error).message}`);
  }
  fs.chmodSync(host, 0o600);
  const modified = Date.parse(res.headers.get('last-modified') ?? '');
  if (!Number.isNaN(modified)) fs.utimesSync(host, new Date(modified), new Date(modified));
  return { host, rel: name, isDir: false };
}
