// A pull's and a push's blob concurrency follow the request (max_concurrent_downloads/_uploads, what
// engined sends from daemon.json) over the daemon's own setting. A proxy in front of the registry
// fixture counts the blob transfers in flight and holds each one until as many as could come have
// come (or none came for a while), so what it sees is the client's limit, not the network's speed.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, createClient } from '@stack/proto';
import { Transfer } from '@stack/proto/gen/stack/services/transfer/v1/transfer_pb';
import { pushOciLayout, startRegistry, type BuiltImage, type Registry } from '@stack/tools';
import { startTestDaemon, type TestDaemon } from './support/daemon.js';
import { multiLayer } from './support/images.js';
import { removeTree, tempDir } from './support/temp.js';

jest.setTimeout(180_000);

interface CountingProxy {
  host: string;
  /** The most blob transfers of `kind` seen in flight at once since the last reset. */
  peak: { get: number; put: number };
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Holds a blob transfer until `hold` are in flight or 1.5 s pass with no new one. Downloads counted are
 * the layers' (the config blob is fetched beside them, as the limit is on layers); uploads, every
 * request of an upload session (a session's requests come one after another).
 */
async function startCountingProxy(upstream: string, hold: number, layers: readonly string[]): Promise<CountingProxy> {
  const inFlight = { get: 0, put: 0 };
  const peak = { get: 0, put: 0 };
  const waiting: Array<() => void> = [];
  let quiet: NodeJS.Timeout | undefined;
  const releaseAll = () => {
    for (const go of waiting.splice(0)) go();
  };
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const kind = req.method === 'GET' && layers.some((d) => url.endsWith(`/blobs/${d}`)) ? 'get' : req.method !== 'GET' && req.method !== 'HEAD' && url.includes('/blobs/uploads/') ? 'put' : undefined;
    const forward = () => {
      const up = http.request({ host: '127.0.0.1', port: Number(upstream.split(':')[1]), method: req.method, path: url, headers: { ...req.headers, host: upstream } }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('end', () => {
          if (kind) inFlight[kind]--;
        });
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (!kind) return forward();
    inFlight[kind]++;
    peak[kind] = Math.max(peak[kind], inFlight[kind]);
    // The request body (a PUT's blob) is read only once released, so hold it unread.
    req.pause();
    waiting.push(() => {
      req.resume();
      forward();
    });
    clearTimeout(quiet);
    if (waiting.length >= hold) releaseAll();
    else quiet = setTimeout(releaseAll, 1500);
    return undefined;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    peak,
    reset: () => {
      peak.get = 0;
      peak.put = 0;
    },
    stop: () =>
      new Promise<void>((r) => {
        clearTimeout(quiet);
        releaseAll();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let dir: string;
let registry: Registry;
let proxy: CountingProxy;
let image: BuiltImage;

beforeAll(async () => {
  dir = tempDir('transfer-concurrency-');
  registry = await startRegistry();
  image = await multiLayer(dir);
  expect(image.layers.length).toBeGreaterThanOrEqual(3);
  await pushOciLayout(registry, image.layoutDir, 'test/multi:v1');
  proxy = await startCountingProxy(registry.host, image.layers.length, image.layers.map((l) => l.digest));
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  if (dir) removeTree(dir);
});

/** A fresh daemon (an empty content store) pulls through the proxy, then pushes back through it. */
async function transferWith(limits: { downloads?: number; uploads?: number }): Promise<{ get: number; put: number }> {
  const daemon: TestDaemon = await startTestDaemon();
  const channel = connect(daemon.socket);
  try {
    const transfer = createClient(Transfer, channel, { metadata: { 'containerd-namespace': 'default' } });
    proxy.reset();
    for await (const _ of transfer.pull({ reference: `${proxy.host}/test/multi:v1`, maxConcurrentDownloads: limits.downloads ?? 0 })) void _;
    const get = proxy.peak.get;
    // To a repository the registry lacks, so every layer is uploaded.
    proxy.reset();
    for await (const _ of transfer.push({ name: `${proxy.host}/test/multi:v1`, reference: `${proxy.host}/test/copy-${limits.uploads ?? 0}-${limits.downloads ?? 0}:v1`, maxConcurrentUploads: limits.uploads ?? 0 })) void _;
    return { get, put: proxy.peak.put };
  } finally {
    channel.close();
    await daemon.stop();
    daemon.cleanup();
  }
}

test('one at a time when the request says 1; the daemon\'s default (3) otherwise', async () => {
  expect(await transferWith({ downloads: 1, uploads: 1 })).toEqual({ get: 1, put: 1 });
  const byDefault = await transferWith({});
  expect(byDefault).toEqual({ get: 3, put: 3 });
});

test('a limit of 2 is never passed', async () => {
  const two = await transferWith({ downloads: 2, uploads: 2 });
  expect(two.get).toBeLessThanOrEqual(2);
  expect(two.put).toBeLessThanOrEqual(2);
});
