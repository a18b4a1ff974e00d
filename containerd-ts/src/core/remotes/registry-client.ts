// An OCI distribution API client: resolve a reference to its root descriptor, fetch manifests and
// blobs (resuming with Range), check and upload blobs, put manifests. Authentication challenges are
// answered transparently; errors name the registry's answer (401, 404, 5xx) plainly.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { StackError, notFound, unavailable } from '../errdefs.js';
import { isDigest, sha256Of, type Digest } from '../digest.js';
import { MANIFEST_ACCEPT } from '../images/media-types.js';
import { MAX_MANIFEST_BYTES, sniffMediaType, type Descriptor } from '../images/manifest.js';
import { objectOf, type Reference } from '../images/reference.js';
import type { Endpoint, RegistryHosts } from './hosts.js';
import { registryErrorText } from './registry-errors.js';
import { TokenAuth, type Fetch } from './token-auth.js';

export interface RegistryClientOptions {
  hosts: RegistryHosts;
  plainHttp?: boolean;
  fetch?: Fetch;
  /** Credentials given with this request, used before configured ones. */
  credentials?: { username: string; password: string };
  userAgent?: string;
}

interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Readable | Buffer;
  length?: number;
  /** Absolute URL (upload locations); `path` is then ignored. */
  url?: string;
}

function describe(status: number): string {
  if (status === 401) return 'authorization failed (401 Unauthorized)';
  if (status === 403) return 'access denied (403 Forbidden)';
  if (status === 404) return 'not found (404)';
  return `registry answered ${status}`;
}

async function bodyText(res: Response): Promise<string> {
  try {
    const t = await res.text();
    return t.length > 300 ? t.slice(0, 300) + '…' : t;
  } catch {
    return '';
  }
}

export class RegistryClient {
  private readonly doFetch: Fetch;
  private readonly auth: TokenAuth;
  private readonly ua: string;

  constructor(
    private readonly ref: Reference,
    private readonly opts: RegistryClientOptions,
  ) {
    this.doFetch = opts.fetch ?? fetch;
    this.auth = new TokenAuth((host) => opts.credentials ?? opts.hosts.credentials(host), this.doFetch);
    this.ua = opts.userAgent ?? 'containerd-ts/0.1';
  }

  private endpoints(pull: boolean): Endpoint[] {
    const o: { pull: boolean; plainHttp?: boolean } = { pull };
    if (this.opts.plainHttp !== undefined) o.plainHttp = this.opts.plainHttp;
    return this.opts.hosts.endpoints(this.ref.domain, o);
  }

  private scope(push: boolean): string {
    return `repository:${this.ref.path}:${push ? 'pull,push' : 'pull'}`;
  }

  /** One request against one endpoint, answering an auth challenge once. */
  private async send(ep: Endpoint, req: Req, push: boolean): Promise<Response> {
    const url = req.url ?? `${ep.base}/v2/${this.ref.path}${req.path}`;
    const scope = this.scope(push);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': this.ua, ...req.headers };
      const authz = await this.auth.header(ep.host, scope);
      if (authz) headers['authorization'] = authz;
      const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, redirect: 'follow' };
      if (req.body) {
        if (req.length !== undefined) headers['content-length'] = String(req.length);
        init.body = Buffer.isBuffer(req.body) ? req.body : (Readable.toWeb(req.body) as unknown as ReadableStream);
        init.duplex = 'half';
      }
      let res: Response;
      try {
        res = await this.doFetch(url, init);
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw unavailable(`${ep.base}: ${cause?.code ?? ''} ${cause?.message ?? (err as Error).message}`.trim());
      }
      // A streamed body cannot be sent twice; its POST already met the challenge.
      const replayable = req.body === undefined || Buffer.isBuffer(req.body);
      if (res.status === 401 && attempt === 0 && replayable) {
        if (this.auth.handleChallenge(ep.host, res.headers.get('www-authenticate'), authz)) {
          await res.body?.cancel();
          continue;
        }
      }
      return res;
    }
  }

  /** Tries each endpoint (mirrors first for pulls); 404 and connection errors move to the next. */
  private async request(req: Req, opts: { push?: boolean; what: string }): Promise<Response> {
    const eps = this.endpoints(!opts.push);
    let last: Error | undefined;
    for (const ep of eps) {
      let res: Response;
      try {
        res = await this.send(ep, req, opts.push ?? false);
      } catch (err) {
        last = err as Error;
        continue;
      }
      if (res.ok || (res.status >= 300 && res.status < 400)) return res;
      const text = registryErrorText(await bodyText(res));
      const msg = `${opts.what}: ${describe(res.status)} from ${ep.base}${text ? `: ${text}` : ''}`;
      if (res.status === 404) last = notFound(msg);
      else if (res.status === 401 || res.status === 403) last = new StackError(res.status === 401 ? 'unauthenticated' : 'permission-denied', msg);
      else if (res.status === 416) last = new StackError('out-of-range', msg);
      else last = unavailable(msg);
      if (ep.mirror && res.status !== 401) continue;
      throw last;
    }
    throw last ?? unavailable(`${opts.what}: no endpoint`);
  }

  /** Resolves the reference to its root descriptor and returns the manifest bytes with it. */
  async resolve(): Promise<{ desc: Descriptor; bytes: Buffer }> {
    const object = objectOf(this.ref);
    const what = `${this.ref.domain}/${this.ref.path}:${object}`;
    const res = await this.request({ method: 'GET', path: `/manifests/${object}`, headers: { accept: MANIFEST_ACCEPT } }, { what });
    const bytes = await this.readLimited(res, MAX_MANIFEST_BYTES, what);
    const digest = sha256Of(bytes);
    const header = res.headers.get('docker-content-digest');
    if (this.ref.digest && digest !== this.ref.digest) throw new StackError('failed-precondition', `${what}: manifest digest is ${digest}, expected ${this.ref.digest}`);
    if (header && isDigest(header) && header !== digest) throw new StackError('failed-precondition', `${what}: manifest digest ${digest} does not match the registry's ${header}`);
    const ct = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const mediaType = ct && ct !== 'application/json' && ct !== 'text/plain' ? ct : sniffMediaType(bytes);
    return { desc: { mediaType, digest, size: bytes.length }, bytes };
  }

  private async readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
    const len = Number(res.headers.get('content-length') ?? '0');
    if (len > limit) throw new StackError('invalid-argument', `${what}: manifest of ${len} bytes is too large`);
    const buf = Buffer.from(await res.arrayBuffer());
    if (buf.length > limit) throw new StackError('invalid-argument', `${what}: manifest is too large`);
    return buf;
  }

  /** Fetches a manifest or index by digest, verified. */
  async fetchManifest(desc: Descriptor): Promise<Buffer> {
    const what = `manifest ${desc.digest}`;
    const res = await this.request({ method: 'GET', path: `/manifests/${desc.digest}`, headers: { accept: MANIFEST_ACCEPT } }, { what });
    const bytes = await this.readLimited(res, MAX_MANIFEST_BYTES, what);
    if (sha256Of(bytes) !== desc.digest) throw new StackError('failed-precondition', `${what}: content does not match its digest`);
    return bytes;
  }

  /**
   * Opens a blob for reading from `offset`. `offset` in the result says where the stream really
   * starts (0 when the registry ignored the Range request).
   */
  async fetchBlob(desc: Descriptor, offset = 0): Promise<{ stream: Readable; offset: number }> {
    const headers: Record<string, string> = {};
    if (offset > 0) headers['range'] = `bytes=${offset}-`;
    const res = await this.request({ method: 'GET', path: `/blobs/${desc.digest}`, headers }, { what: `blob ${desc.digest}` });
    if (!res.body) throw unavailable(`blob ${desc.digest}: empty response`);
    const start = offset > 0 && res.status === 206 ? offset : 0;
    return { stream: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>, { highWaterMark: 1024 * 1024 }), offset: start };
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    try {
      const res = await this.request({ method: 'HEAD', path: `/blobs/${digest}` }, { push: true, what: `blob ${digest}` });
      await res.body?.cancel();
      return true;
    } catch (err) {
      if (err instanceof StackError && err.kind === 'not-found') return false;
      throw err;
    }
  }

  /** Monolithic upload: POST for a location, then PUT the whole blob with its digest. */
  async pushBlob(desc: Descriptor, open: () => Readable): Promise<void> {
    const what = `upload of ${desc.digest}`;
    const start = await this.request({ method: 'POST', path: '/blobs/uploads/', length: 0, body: Buffer.alloc(0) }, { push: true, what });
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (!location) throw unavailable(`${what}: registry gave no upload location`);
    const ep = this.endpoints(false)[0] as Endpoint;
    const url = new URL(location, ep.base);
    url.searchParams.set('digest', desc.digest);
    const res = await this.request({ method: 'PUT', path: '', url: url.toString(), headers: { 'content-type': 'application/octet-stream' }, body: open(), length: desc.size }, { push: true, what });
    await res.body?.cancel();
  }

  async pushManifest(tagOrDigest: string, mediaType: string, bytes: Buffer): Promise<void> {
    const res = await this.request({ method: 'PUT', path: `/manifests/${tagOrDigest}`, headers: { 'content-type': mediaType }, body: bytes, length: bytes.length }, { push: true, what: `manifest ${tagOrDigest}` });
    await res.body?.cancel();
  }
}
