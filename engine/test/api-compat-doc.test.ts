// docs/api-compatibility.md is generated from engined's route table: the committed page must be what
// the generator makes now, every route engined serves must be a dockerd 1.41 endpoint, and every note
// must name one (and say "not served" exactly of those engined does not serve); and a real engined
// must answer each endpoint as its row says.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compatMarkdown, compatRows, servedRoutes } from '../src/api/compat/compat-table.js';
import { DOCKERD_ENDPOINTS } from '../src/api/compat/dockerd-endpoints.js';
import { ENDPOINT_NOTES } from '../src/api/compat/endpoint-notes.js';
import { startStack, type Stack } from './support/stack.js';

const PAGE = path.resolve(__dirname, '../../../docs/api-compatibility.md');
const dockerd = new Set(DOCKERD_ENDPOINTS.flatMap((g) => g.endpoints.map((e) => `${e.method} ${e.path}`)));

test('the committed table is the generated one (run `npm run docs:api -w engine` after changing routes)', () => {
  expect(fs.readFileSync(PAGE, 'utf8')).toBe(compatMarkdown());
});

test('every route engined serves is a dockerd 1.41 endpoint, listed once', () => {
  const served = servedRoutes();
  expect(served.filter((r) => !dockerd.has(r))).toEqual([]);
  expect(new Set(served).size).toBe(served.length);
  expect(dockerd.size).toBe(DOCKERD_ENDPOINTS.reduce((n, g) => n + g.endpoints.length, 0));
});

test('notes name dockerd endpoints, and "not served" exactly the ones engined lacks', () => {
  expect(Object.keys(ENDPOINT_NOTES).filter((k) => !dockerd.has(k))).toEqual([]);
  const served = new Set(servedRoutes());
  for (const [endpoint, { support }] of Object.entries(ENDPOINT_NOTES)) expect({ endpoint, notServed: support === 'not served' }).toEqual({ endpoint, notServed: !served.has(endpoint) });
  expect(compatRows().filter((r) => r.support === 'not served').map((r) => r.endpoint)).toEqual(['POST /session', 'GET /containers/{id}/attach/ws']);
});

describe('against a real engined', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ loadBusybox: false });
  }, 120_000);
  afterAll(async () => {
    await s?.cleanup();
  });

  test('each endpoint answers as the table says: "not served" ones 404 page not found, the others are routed', async () => {
    for (const row of compatRows()) {
      const [method, template] = row.endpoint.split(' ') as [string, string];
      if (method === 'HEAD') continue; // no body to tell a route's 404 from the router's
      // Names that exist nowhere, so no call changes anything; /events bounded in time.
      const urlPath = `/v1.41${template.replace(/\{\w+\}/g, 'no-such-object')}${template === '/events' ? '?since=0&until=1' : ''}`;
      const r = await s.api(method, urlPath, method === 'POST' || method === 'PUT' ? '{}' : undefined);
      const pageNotFound = r.status === 404 && /page not found/.test(r.body);
      expect({ endpoint: row.endpoint, support: row.support, pageNotFound }).toEqual({ endpoint: row.endpoint, support: row.support, pageNotFound: row.support === 'not served' });
      // A refused endpoint always ends in an error (dockerd's own checks of the request may come first).
      if (row.support === 'refused') expect({ endpoint: row.endpoint, status: r.status >= 400 }).toEqual({ endpoint: row.endpoint, status: true });
    }
  });
});
