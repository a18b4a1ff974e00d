// exec on this hybrid host (cgroup v1 controllers, name=systemd and an empty cgroup2 hierarchy),
// Debian runc against runc-ts: the exec'd process must be in every cgroup the container's init is in,
// the unified one included, whether the container has a cgroup namespace or not.
import * as fs from 'node:fs';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, type Side, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-exec-cg');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

/** /proc/PID/cgroup as a sorted list, the container's id replaced so both sides compare. */
function cgroupsOf(text: string, id: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.replace(new RegExp(`/${id}$`), '/ID').replace(/^\d+:/, ''))
    .sort();
}

const CASES: [string, ((s: Spec) => void) | undefined][] = [
  ['no cgroup namespace', undefined],
  ['a cgroup namespace', (s) => s.linux!.namespaces!.push({ type: 'cgroup' })],
];

describeDifferential('exec joins all the container cgroups, runc vs runc-ts', () => {
  test.each(CASES)('%s: exec sees what the init sees, on every hierarchy', async (_name, edit) => {
    const b = await fx.bundles(['sleep', '300'], edit);
    const seen: Record<Side, unknown> = { ref: undefined, ours: undefined };
    for (const side of SIDES) {
      const { id, dir } = b[side];
      expect(fx.on(side, ['run', '-d', '--bundle', dir, id]).code).toBe(0);
      const initPid = Number(JSON.parse(fx.on(side, ['state', id]).stdout).pid);
      const init = fs.readFileSync(`/proc/${initPid}/cgroup`, 'utf8');
      // Inside: the exec'd process's own view; outside: the host's view of it, through its pid file.
      const inside = fx.on(side, ['exec', id, 'cat', '/proc/self/cgroup']);
      const initInside = fx.on(side, ['exec', id, 'cat', '/proc/1/cgroup']);
      const pidFile = `${fx.tmp}/${side}-${id}.pid`;
      expect(fx.on(side, ['exec', '-d', '--pid-file', pidFile, id, 'sleep', '30']).code).toBe(0);
      const execHost = fs.readFileSync(`/proc/${fs.readFileSync(pidFile, 'utf8').trim()}/cgroup`, 'utf8');
      expect(cgroupsOf(execHost, id)).toEqual(cgroupsOf(init, id));
      expect(inside.stdout).toBe(initInside.stdout);
      seen[side] = { init: cgroupsOf(init, id), inside: cgroupsOf(inside.stdout, id), hierarchies: init.trim().split('\n').length };
      fx.on(side, ['delete', '--force', id]);
    }
    expect(seen.ours).toEqual(seen.ref);
  });
});
