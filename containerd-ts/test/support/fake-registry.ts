// A registry front for tests: proxies to the real registry fixture, optionally demanding Bearer
// tokens (with its own token endpoint) or Basic credentials, failing with a fixed status, or
// throttling blob downloads; it records each request so tests can see Range resumes.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOptions {
  upstream: string;
  auth?: { kind: 'bearer'; tokenNeedsBasic?: { username: string; password: string } } | { kind: 'basic'; username: string; password: string };
  failWith?: number;
  /** Bytes per second for blob bodies. */
  throttle?: number;
}

export interface FakeRegistry {
  host: string;
  requests: Array<{ method: string; url: string; range?: string; authorization?: string }>;
  options: FakeOptions;
  stop(): Promise<void>;
}

const TOKEN = 'good-token';

function basicOk(h: string | undefined, u: string, p: string): boolean {
  return h === `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
}

export async function startFakeRegistry(options: FakeOptions): Promise<FakeRegistry> {
  const requests: FakeRegistry['requests'] = [];
  let host = '';
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const rec: FakeRegistry['requests'][number] = { method: req.method ?? 'GET', url };
    if (req.headers.range) rec.range = req.headers.range;
    if (req.headers.authorization) rec.authorization = req.headers.authorization;
    requests.push(rec);
    const auth = options.auth;
    if (url.startsWith('/token')) {
      if (auth?.kind === 'bearer' && auth.tokenNeedsBasic && !basicOk(req.headers.authorization, auth.tokenNeedsBasic.username, auth.tokenNeedsBasic.password)) {
        res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: TOKEN, expires_in: 300 }));
      return;
    }
    if (auth?.kind === 'bearer' && req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="fake-registry",scope="repository:x:pull"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    if (auth?.kind === 'basic' && !basicOk(req.headers.authorization, auth.username, auth.password)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="fake-registry"' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (options.failWith && url !== '/v2/') {
      res.writeHead(options.failWith, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"the registry is broken"}]}');
      return;
    }
    const headers = { ...req.headers, host: options.upstream };
    delete headers.authorization;
    const up = http.request({ host: options.upstream.split(':')[0], port: Number(options.upstream.split(':')[1]), method: req.method, path: url, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const rate = options.throttle;
      if (!rate || !url.includes('/blobs/') || req.method !== 'GET') {
        upRes.pipe(res);
        return;
      }
      // Throttled: release the body in small slices at the given rate.
      upRes.on('data', (chunk: Buffer) => {
        upRes.pause();
        const slices: Buffer[] = [];
        for (let i = 0; i < chunk.length; i += 16384) slices.push(chunk.subarray(i, i + 16384));
        const next = () => {
          const s = slices.shift();
          if (!s) return upRes.resume();
          if (res.destroyed) return undefined;
          res.write(s);
          setTimeout(next, (s.length / (options.throttle ?? rate)) * 1000);
          return undefined;
        };
        next();
      });
      upRes.on('end', () => res.end());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    options,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
