// docs/api-compatibility.md is generated from engined's route table: the committed page must be what
// the generator makes now, every route engined serves must be a dockerd 1.41 endpoint, and every note
// must name one (and say "not served" exactly of those engined does not serve).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compatMarkdown, compatRows, servedRoutes } from '../src/api/compat/compat-table.js';
import { DOCKERD_ENDPOINTS } from '../src/api/compat/dockerd-endpoints.js';
import { ENDPOINT_NOTES } from '../src/api/compat/endpoint-notes.js';

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
  expect(compatRows().filter((r) => r.support === 'not served').map((r) => r.endpoint)).toEqual(['POST /session', 'GET /containers/{id}/attach/ws', 'POST /build']);
});
