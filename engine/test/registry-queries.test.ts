// Endpoints that read a registry without pulling: GET /images/search for a registry host in the term
// (its /v2/_catalog) through the stock docker client and the engine CLI, and GET
// /distribution/{name}/json; the registry is a fixture on the test's loopback.
import * as path from 'node:path';
import { pushOciLayout, startRegistry, type Registry } from '@stack/tools';
import { serveBusybox, startStack, type Stack } from './support/stack.js';

let s: Stack;
let registry: Registry;

beforeAll(async () => {
  s = await startStack({ loadBusybox: true });
  registry = await startRegistry();
  await serveBusybox(s, registry, 'team/busybox:1');
  await pushOciLayout(registry, path.join(s.dir, 'busybox-image'), 'team/other:1');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await s?.cleanup();
});

test('docker search HOST/TERM lists the matching repositories of the catalog', async () => {
  const r = await s.docker(['search', '--format', '{{.Name}}|{{.StarCount}}|{{.IsOfficial}}', `${registry.host}/busy`]);
  expect(r).toMatchObject({ code: 0, stdout: `${registry.host}/team/busybox|0|\n` });
  const all = await s.engine(['search', `${registry.host}/team`]);
  expect(all.code).toBe(0);
  expect(all.stdout).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL\s+AUTOMATED\n/);
  expect(all.stdout).toContain(`${registry.host}/team/busybox`);
  expect(all.stdout).toContain(`${registry.host}/team/other`);
  const limited = await s.engine(['search', '--limit', '1', '--format', '{{.Name}}', `${registry.host}/team`]);
  expect(limited.stdout.trim().split('\n')).toHaveLength(1);
});

test('bad limits and filters are refused; an unreachable registry is a clear error', async () => {
  // Terms name a loopback registry: nothing here may reach Docker Hub.
  const limit = await s.api('GET', '/v1.41/images/search?term=127.0.0.1:1/x&limit=0');
  expect(limit.status).toBe(400);
  expect(JSON.parse(limit.body)).toEqual({ message: 'Limit 0 is outside the range of [1, 100]' });
  const filter = await s.api('GET', `/v1.41/images/search?term=x&filters=${encodeURIComponent('{"foo":["1"]}')}`);
  expect(filter.status).toBe(400);
  // A loopback port nothing listens on in the test's own namespace: no traffic leaves the test's namespace.
  const down = await s.engine(['search', '127.0.0.1:39999/anything']);
  expect(down.code).toBe(1) // docker 20.10: a daemon error is status 1 for every command but run and create;
  expect(down.stderr).toMatch(/^Error response from daemon: Get "http:\/\/127\.0\.0\.1:39999\/v2\/_catalog\?n=1000": .*(ECONNREFUSED|refused)/);
});

test('distribution: the manifest descriptor and platforms, as the registry has them', async () => {
  const ref = `${registry.host}/team/busybox:1`;
  const r = await s.api('GET', `/v1.41/distribution/${ref}/json`);
  expect(r.status).toBe(200);
  const j = JSON.parse(r.body) as { Descriptor: { mediaType: string; digest: string; size: number }; Platforms: Array<{ os: string; architecture: string }> };
  const direct = await fetch(`http://${registry.host}/v2/team/busybox/manifests/1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json' } });
  const body = Buffer.from(await direct.arrayBuffer());
  expect(j.Descriptor).toEqual({ mediaType: direct.headers.get('content-type'), digest: direct.headers.get('docker-content-digest'), size: body.length });
  expect(j.Platforms).toEqual([expect.objectContaining({ os: 'linux', architecture: expect.any(String) })]);
  const byDigest = await s.api('GET', `/v1.41/distribution/${registry.host}/team/busybox@${j.Descriptor.digest}/json`);
  expect(JSON.parse(byDigest.body)).toEqual(j);
  expect((await s.api('GET', `/v1.41/distribution/${registry.host}/team/busybox:nope/json`)).status).toBe(404);
  expect((await s.api('GET', '/v1.41/distribution/UPPER/json')).status).toBe(400);
});
