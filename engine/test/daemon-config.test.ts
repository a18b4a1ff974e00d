// daemon.json: log rotation (and logs read across the rotated files), default ulimits, and a
// registry mirror serving Docker Hub names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRegistry, type Registry } from '@stack/tools';
import { serveBusybox, startStack, waitFor, type Stack } from './support/stack.js';

let s: Stack;
let mirror: Registry;

beforeAll(async () => {
  mirror = await startRegistry();
  s = await startStack({
    daemonJson: {
      'log-opts': { 'max-size': '2k', 'max-file': '3' },
      'default-ulimits': { nofile: { Name: 'nofile', Soft: 300, Hard: 400 } },
      'registry-mirrors': [`http://${mirror.host}`],
    },
  });
  await serveBusybox(s, mirror, 'library/mirrored:7');
}, 120_000);

afterAll(async () => {
  await s?.cleanup();
  await mirror?.stop();
});

test('logs rotate at max-size, keep max-file files, and logs reads across them', async () => {
  await s.engine(['run', '-d', '--name', 'chatty', 'busybox', 'sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo "line $i padding-padding-padding"; i=$((i+1)); done']);
  await waitFor(async () => (await s.engine(['inspect', '-f', '{{.State.Status}}', 'chatty'])).stdout === 'exited\n');
  const id = (await s.engine(['inspect', '-f', '{{.Id}}', 'chatty'])).stdout.trim();
  const dir = path.join(s.dataRoot, 'containers', id);
  const files = fs.readdirSync(dir).filter((f) => f.includes('-json.log')).sort();
  expect(files).toEqual([`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
  for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(2048);
  const lines = (await s.engine(['logs', 'chatty'])).stdout.trim().split('\n');
  // The oldest records were rotated away; what is left is contiguous and ends with the last line.
  expect(lines.at(-1)).toBe('line 199 padding-padding-padding');
  const first = Number(lines[0]!.split(' ')[1]);
  expect(lines).toEqual(Array.from({ length: 200 - first }, (_, i) => `line ${first + i} padding-padding-padding`));
  expect((await s.engine(['logs', '--tail', '2', 'chatty'])).stdout).toBe('line 198 padding-padding-padding\nline 199 padding-padding-padding\n');
  await s.engine(['rm', 'chatty']);
});

test('default ulimits apply unless the container sets its own', async () => {
  expect((await s.engine(['run', '--rm', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn'])).stdout).toBe('300\n400\n');
  expect((await s.engine(['run', '--rm', '--ulimit', 'nofile=100:200', 'busybox', 'sh', '-c', 'ulimit -n'])).stdout).toBe('100\n');
});

test('a registry mirror serves docker.io names; the image keeps its Docker Hub name', async () => {
  const pull = await s.engine(['pull', 'mirrored:7']);
  expect(pull.code).toBe(0);
  expect(pull.stdout).toMatch(/docker.io\/library\/mirrored:7/);
  expect((await s.engine(['images', '--format', '{{.Repository}}:{{.Tag}}', 'mirrored'])).stdout).toBe('mirrored:7\n');
  expect((await s.engine(['run', '--rm', 'mirrored:7', 'echo', 'via mirror'])).stdout).toBe('via mirror\n');
});
