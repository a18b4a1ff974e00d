import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { buildBusyboxImage, pushOciLayout, sha256Digest, startRegistry, type Registry } from '../src/index.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

// A new connection per request: node's default agent keeps sockets alive, and a request on one the
// registry closed as it stopped fails with "socket hang up", not with the refused connection we test.
function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('registry fixture', () => {
  let tmp: string;
  let registry: Registry | undefined;

  beforeAll(async () => {
    tmp = makeTempDir('tools-registry');
    registry = await startRegistry();
  });

  afterAll(async () => {
    try {
      await registry?.stop();
    } finally {
      removeTempDir(tmp);
    }
  });

  test('serves the distribution API on loopback', async () => {
    const reg = registry as Registry;
    expect(reg.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(reg.url).toBe(`http://${reg.host}`);
    const res = await get(`${reg.url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect(fs.statSync(reg.dir).isDirectory()).toBe(true);
  });

  test('a pushed image reads back over HTTP with the built manifest digest', async () => {
    const reg = registry as Registry;
    const image = await buildBusyboxImage({ outDir: path.join(tmp, 'layout') });
    expect(await pushOciLayout(reg, image.layoutDir, 'library/busybox:latest')).toBe(`${reg.host}/library/busybox:latest`);

    const res = await get(`${reg.url}/v2/library/busybox/manifests/latest`, { Accept: 'application/vnd.oci.image.manifest.v1+json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(res.headers['docker-content-digest']).toBe(image.manifestDigest);
    expect(sha256Digest(res.body)).toBe(image.manifestDigest);
    const manifest = JSON.parse(res.body.toString());
    expect(manifest.layers.map((l: { digest: string }) => l.digest)).toEqual(image.layers.map((l) => l.digest));

    const config = await get(`${reg.url}/v2/library/busybox/blobs/${image.configDigest}`);
    expect(config.status).toBe(200);
    expect(sha256Digest(config.body)).toBe(image.configDigest);
    const tags = JSON.parse((await get(`${reg.url}/v2/library/busybox/tags/list`)).body.toString());
    expect(tags).toEqual({ name: 'library/busybox', tags: ['latest'] });
  });

  test('stop ends the registry, frees the port and removes its storage', async () => {
    const reg = await startRegistry();
    try {
      expect((await get(`${reg.url}/v2/`)).status).toBe(200);
    } finally {
      await reg.stop();
    }
    await expect(get(`${reg.url}/v2/`)).rejects.toThrow(/ECONNREFUSED/);
    expect(fs.existsSync(reg.dir)).toBe(false);
    await reg.stop(); // idempotent
  });

  test('a caller-provided storage dir is used and kept', async () => {
    const dir = path.join(tmp, 'own-storage');
    const reg = await startRegistry({ dir });
    try {
      expect(reg.dir).toBe(dir);
    } finally {
      await reg.stop();
    }
    expect(fs.existsSync(dir)).toBe(true);
  });

  test('a missing registry binary gives a clear error', async () => {
    await expect(startRegistry({ binary: path.join(tmp, 'no-such-registry') })).rejects.toThrow(
      /registry binary .*no-such-registry not found.*install the Debian package docker-registry/,
    );
  });
});
