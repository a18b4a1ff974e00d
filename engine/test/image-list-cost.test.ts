// GET /images/json costs the same whatever an image's config weighs: the fields a list shows are
// kept per image ID, so a 3.5 MB config is read once, not once per request (1000 requests at
// concurrency 200 used to take 70 s and leave engined 900 MiB larger).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { writeOciImage } from '@stack/tools';
import { startStack, type Stack } from './support/stack.js';

let s: Stack;

beforeAll(async () => {
  s = await startStack({ loadBusybox: false });
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
});

function rssKiB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

function listImages(agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: s.socket, path: '/v1.41/images/json', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

test('1000 lists at concurrency 200 with a 3.5 MB image config', async () => {
  // 3.5 MB of Env in the config (the list shows none of it); labels, which it shows, stay small.
  const env = Array.from({ length: 3500 }, (_, i) => `BIG_${i}=${'x'.repeat(1000)}`);
  const archive = path.join(s.dir, 'big.tar');
  await writeOciImage({ outDir: path.join(s.dir, 'big'), archivePath: archive, repoTag: 'docker.io/library/bigconfig:1', layers: [{ entries: [{ path: 'hello', type: 'file', content: 'hi\n' }] }], config: { env, labels: { team: 'a' }, cmd: ['/hello'] } });
  expect((await s.engine(['load', '-i', archive])).code).toBe(0);
  const first = JSON.parse((await s.api('GET', '/v1.41/images/json')).body) as Array<{ RepoTags: string[]; Labels: Record<string, string> }>;
  expect(first).toEqual([expect.objectContaining({ RepoTags: ['bigconfig:1'], Labels: { team: 'a' } })]);

  // From cold: a restarted engined has read no config yet, and 200 requests arrive at once.
  await s.stopEngined();
  await s.startEngined();
  const pid = s.enginedPid()!;
  const before = rssKiB(pid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const started = process.hrtime.bigint();
  let next = 0;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < 1000) {
        next++;
        statuses.push(await listImages(agent));
      }
    }),
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  agent.destroy();
  const grownMiB = (rssKiB(pid) - before) / 1024;
  // Measured, not asserted on time: printed for the bench notes.
  console.log(`1000 GET /images/json at concurrency 200 with a 3.5 MB config: ${ms.toFixed(0)} ms, engined RSS +${grownMiB.toFixed(0)} MiB`);
  expect(statuses.filter((st) => st !== 200)).toEqual([]);
  // Without the summary cache each request parsed its own copy of the config: hundreds of MiB.
  expect(grownMiB).toBeLessThan(150);
  // Inspect still shows the whole config.
  const ins = JSON.parse((await s.api('GET', '/v1.41/images/bigconfig:1/json')).body) as { Config: { Env: string[] } };
  expect(ins.Config.Env.length).toBe(3501);
}, 300_000);
