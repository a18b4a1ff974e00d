// Health checks side by side with Debian's dockerd: the same --health-* container goes starting →
// healthy → unhealthy (its early failures fall in the start period and do not count) under both, with State.Health, the ps suffix and health_status events alike;
// invalid settings are refused with dockerd's words.
import * as http from 'node:http';
import type { ReferenceDockerd } from '@stack/tools';
import { startBesideDockerd, type BesideDockerd } from './support/beside-dockerd.js';
import { waitFor, type Stack } from './support/stack.js';

jest.setTimeout(180_000);

let s: Stack;
let side: BesideDockerd;
let dockerd: ReferenceDockerd;
type Run = (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

beforeAll(async () => {
  side = await startBesideDockerd();
  ({ s, dockerd } = side);
}, 180_000);

afterAll(async () => {
  await side?.stop(['hc']);
}, 90_000);

function post(socket: string, urlPath: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request({ socketPath: socket, method: 'POST', path: urlPath, headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) } }, (res) => {
      let out = '';
      res.on('data', (c: Buffer) => (out += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function lifecycle(run: Run): Promise<{ statuses: string[]; ps: string; health: { Status: string; FailingStreak: number; Log: Array<{ ExitCode: number }> }; events: string[] }> {
  const since = Math.floor(Date.now() / 1000) - 1;
  const r = await run(['run', '-d', '--name', 'hc', '--network', 'none', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '300ms', '--health-retries', '2', '--health-start-period', '20s', 'busybox', 'sh', '-c', 'sleep 2; touch /tmp/ok; sleep 300']);
  expect(r.stderr).toBe('');
  const status = async () => (await run(['inspect', '-f', '{{.State.Health.Status}}', 'hc'])).stdout.trim();
  const statuses = [await status()];
  await waitFor(async () => (await status()) === 'healthy', 30_000, 'healthy');
  statuses.push('healthy');
  const ps = (await run(['ps', '--filter', 'name=hc', '--format', '{{.Status}}'])).stdout.trim();
  expect((await run(['exec', 'hc', 'rm', '/tmp/ok'])).code).toBe(0);
  await waitFor(async () => (await status()) === 'unhealthy', 30_000, 'unhealthy');
  statuses.push('unhealthy');
  const health = JSON.parse((await run(['inspect', '-f', '{{json .State.Health}}', 'hc'])).stdout) as { Status: string; FailingStreak: number; Log: Array<{ ExitCode: number }> };
  const until = Math.floor(Date.now() / 1000) + 1;
  const events = (await run(['events', '--since', String(since), '--until', String(until), '--filter', 'container=hc', '--format', '{{.Action}}'])).stdout
    .split('\n')
    .filter((a) => a.startsWith('health_status'));
  await run(['rm', '-f', 'hc']);
  return { statuses, ps, health, events };
}

test('starting → healthy → unhealthy as under dockerd', async () => {
  const ref = await lifecycle((a) => dockerd.docker(a));
  const ours = await lifecycle((a) => s.engine(a));
  for (const r of [ref, ours]) {
    expect(r.statuses).toEqual(['starting', 'healthy', 'unhealthy']);
    expect(r.ps).toMatch(/^Up .* \(healthy\)$/);
    expect(r.health.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(r.health.Log.at(-1)!.ExitCode).toBe(1);
    expect(r.health.Log.length).toBeLessThanOrEqual(5);
    expect(r.events).toEqual(['health_status: healthy', 'health_status: unhealthy']);
  }
}, 150_000);

test('invalid settings: the same status and message as dockerd', async () => {
  for (const [field, value] of [['Interval', 100], ['Timeout', 5], ['Retries', -1], ['StartPeriod', 10]] as const) {
    const body = { Image: 'busybox', Cmd: ['true'], Healthcheck: { Test: ['CMD', 'true'], [field]: value } };
    const [ref, ours] = await Promise.all([post(new URL(dockerd.host).pathname, '/v1.41/containers/create', body), post(s.socket, '/v1.41/containers/create', body)]);
    expect(ours.status).toBe(ref.status);
    expect(JSON.parse(ours.body)).toEqual(JSON.parse(ref.body));
  }
  const conflict = ['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true'];
  const [ref, ours] = [await dockerd.docker(conflict), await s.engine(conflict)];
  expect(ours.code).toBe(ref.code);
  expect(ours.stderr).toContain('--no-healthcheck conflicts with --health-* options');
  expect(ref.stderr).toContain('--no-healthcheck conflicts with --health-* options');
});
