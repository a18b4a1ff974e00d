// No client behaviour ends engined: raw connections that send whole or partial requests to every
// hijacked and streamed endpoint and drop at random points (support/engine-stress.ts), after which
// engined still answers and the containers it serves were not disturbed. The stress runs
// ENGINE_STRESS_MS (default 8 s; `npm run bench` soaks for minutes) with ENGINE_STRESS_SEED to replay a run.
import { startStack, waitFor, type Stack } from './support/stack.js';
import { request, runEngineStress, sendAndDrop, startStressTargets, stressDamage, stressPids } from './support/engine-stress.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack();
  await startStressTargets(s);
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

async function alive(): Promise<void> {
  const pid = s.enginedPid();
  expect(pid).toBeDefined();
  expect(() => process.kill(pid!, 0)).not.toThrow();
  expect((await s.api('GET', '/_ping')).body).toBe('OK');
}

test('a non-upgraded attach?stream=1 closed right after the headers (dockerode attach + destroy)', async () => {
  for (let i = 0; i < 5; i++) await sendAndDrop(s.socket, request('POST', '/v1.41/containers/target/attach?stream=1&stdin=1&stdout=1&stderr=1'), { kind: 'after-headers' });
  await alive();
  expect((await s.engine(['inspect', '-f', '{{.State.Status}}', 'target'])).stdout.trim()).toBe('running');
}, 60_000);

test('whole and partial requests to every hijacked and streamed endpoint, dropped at random points', async () => {
  const seed = Number(process.env.ENGINE_STRESS_SEED ?? Date.now() % 100000);
  const durationMs = Number(process.env.ENGINE_STRESS_MS ?? 8000);
  await waitFor(async () => (await s.engine(['inspect', '-f', '{{.State.Status}}', 'short'])).stdout.trim() === 'exited');
  const before = await stressPids(s);
  const { connections } = await runEngineStress(s, { durationMs, seed });
  const problems = await stressDamage(s, before);
  if (problems.includes('engined is gone')) throw new Error(`engined did not survive (seed ${seed})\n${s.logs().slice(-4000)}`);
  expect({ seed, problems }).toEqual({ seed, problems: [] });
  console.log(`stress: ${connections} connections dropped over ${durationMs} ms (seed ${seed}); engined and its containers unharmed`);
  const ex = await s.engine(['exec', 'target', 'echo', 'still-here']);
  expect({ code: ex.code, out: ex.stdout, err: ex.stderr }).toEqual({ code: 0, out: 'still-here\n', err: '' });
  // Containers half-created by dropped requests are only those the daemon completed; remove them.
  const created = (await s.engine(['ps', '-aq', '--filter', 'status=created'])).stdout.split('\n').filter(Boolean);
  if (created.length) await s.engine(['rm', ...created]);
  await s.engine(['rm', '-f', 'short']);
}, 180_000);
