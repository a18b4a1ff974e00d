// Crash safety: the "daemon" (a child process holding a NetworkManager) is killed with SIGKILL in
// the middle of an attach, or while containers run; a new manager's recover() must remove every
// trace of what was half made, and keep (and restore) what live containers use.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AttachResult, AttachStep, NetworkResource } from '../../src/network/index.js';
import type { ChildJob } from './helpers/daemon-child.js';
import { NetTestBed } from './helpers/net-testbed.js';

const bed = new NetTestBed('recover', 233);
const CHILD = path.join(__dirname, 'helpers', 'daemon-child.js');
const children: ChildProcess[] = [];

/** Starts a daemon child and waits for it to write its output (done, or stopped at a step). */
async function daemon(job: Omit<ChildJob, 'options'>): Promise<{ child: ChildProcess; out: { results?: unknown[]; stoppedAt?: string } }> {
  const out = path.join(bed.tmp, `child-${children.length}.json`);
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ ...job, options: bed.options() }), out], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 600; i++) {
    if (fs.existsSync(out)) return { child, out: JSON.parse(fs.readFileSync(out, 'utf8')) as { results?: unknown[]; stoppedAt?: string } };
    if (child.exitCode !== null) throw new Error(`daemon child exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`daemon child did not finish: ${stderr}`);
}

async function kill9(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

beforeAll(async () => {
  await bed.init();
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await bed.cleanup();
});

const STEPS: AttachStep[] = ['recorded', 'netns', 'veths', 'ports', 'rules', 'dns', 'files'];

test.each(STEPS)('kill -9 at attach step "%s", then recover() leaves nothing', async (step) => {
  const id = `crash-${step}`;
  const first = await daemon({
    live: [],
    ops: [
      { op: 'createNetwork', network: { name: `net-${step}`, subnet: `10.233.${10 + STEPS.indexOf(step)}.0/24` } },
      { op: 'attach', id, attach: { name: id, networks: [{ network: `net-${step}`, aliases: ['x'] }], ports: ['9100:80', '127.0.0.1::81'] } },
    ],
    crashAt: step,
  });
  expect(first.out.stoppedAt).toBe(step);
  await kill9(first.child);
  // The crash did leave things behind for recovery to find.
  const at = STEPS.indexOf(step);
  const left = bed.leftovers();
  expect(left.netnsFiles).toHaveLength(at >= STEPS.indexOf('netns') ? 1 : 0);
  expect(left.links).toHaveLength(at >= STEPS.indexOf('veths') ? 1 : 0);
  expect(left.rules.length > 0).toBe(at >= STEPS.indexOf('rules'));

  const m = bed.open();
  const report = await m.recover([]);
  expect(report.problems).toEqual([]);
  expect(report.removed).toEqual([id]);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
  expect(m.container(id)).toBeUndefined();
  expect(m.inspect(`net-${step}`).Containers).toEqual({});
  expect(fs.existsSync(path.join(bed.stateDir, 'containers', id))).toBe(false);
  // The host port was released by the proxy (which outlived the killed daemon).
  const again = await m.attach(`again-${step}`, { name: 'again', ports: ['9100:80'] });
  expect(again.ports[0]?.hostPort).toBe(9100);
  await m.detach(`again-${step}`);
  await m.removeNetwork(`net-${step}`);
  m.close();
});

test('a daemon killed while containers run: recover() keeps live ones working and removes the dead', async () => {
  const WEB = 'web0000000000000000000000000000000000000000000000000000000000000';
  const GONE = 'gone000000000000000000000000000000000000000000000000000000000000';
  const first = await daemon({
    live: [],
    ops: [
      { op: 'createNetwork', network: { name: 'svc', subnet: '10.233.50.0/24' } },
      { op: 'attach', id: WEB, attach: { name: 'web', networks: [{ network: 'svc', aliases: ['www'] }], ports: ['9200:80'] } },
      { op: 'attach', id: GONE, attach: { name: 'gone', networks: [{ network: 'svc' }], ports: ['9201:80'] } },
    ],
  });
  const [, web, gone] = first.out.results as [NetworkResource, AttachResult, AttachResult];
  await bed.run('web', ['sh', '-c', 'echo up > /www && httpd -f -p 80 -h /'], web);
  await bed.run('gone', ['sleep', '3600'], gone);
  await kill9(first.child);
  // While the daemon is down, one container dies; the other keeps serving through the proxy.
  bed.kill('gone');
  const during = await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:9200/etc/hostname']);
  expect(during).toMatchObject({ code: 0, stdout: 'web000000000\n' });

  const m = bed.open();
  const report = await m.recover([WEB]);
  expect(report.problems).toEqual([]);
  expect(report.kept).toEqual([WEB]);
  expect(report.removed).toEqual([GONE]);
  expect(m.ports(WEB)).toEqual([{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 9200 }]);
  expect((await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', `http://${bed.hostAddress}:9200/etc/hostname`])).stdout).toBe('web000000000\n');
  // The embedded DNS is back (it lived in the killed daemon).
  expect((await bed.exec('web', ['nslookup', 'www'])).stdout).toContain(`Address: ${web.endpoints[0]!.ip}`);
  // The dead container's port, address and links are free again.
  expect(bed.leftovers().links).toHaveLength(1);
  const reuse = await m.attach('reuse', { name: 'reuse', ports: ['9201:80'] });
  expect(reuse.ports[0]?.hostPort).toBe(9201);
  await m.detach('reuse');

  // A restart with the proxy gone as well (say, the host's OOM killer): ports come back.
  const pid = Number(fs.readFileSync(path.join(bed.runDir, 'proxy.pid'), 'utf8'));
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 100));
  m.close();
  const m2 = bed.open();
  expect((await m2.recover([WEB])).problems).toEqual([]);
  expect((await bed.hostAsync(['busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1:9200/etc/hostname'])).stdout).toBe('web000000000\n');
  bed.kill('web');
  await m2.detach(WEB);
  expect(bed.leftovers()).toEqual({ links: [], rules: [], netnsFiles: [], mounts: [] });
});
