// The container's cgroup around create, Debian runc against runc-ts (issue 12): a failed create
// leaves no cgroup behind (even one that existed before), a frozen cgroup is refused instead of
// hanging the init, and a cgroup with other processes in it is used with runc's warning.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeDifferential, DifferentialFixture, type Pair, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-cgroups');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const CG = '/sys/fs/cgroup';
const sleepers: ChildProcess[] = [];
afterEach(() => {
  for (const s of sleepers.splice(0)) s.kill('SIGKILL');
});

/** Makes the container's cgroup in every hierarchy before the runtime runs (cpusets filled in). */
function precreate(id: string): void {
  for (const h of fs.readdirSync(CG)) {
    const d = path.join(CG, h, fx.cgroupParent, id);
    fs.mkdirSync(d, { recursive: true });
    if (h !== 'cpuset') continue;
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      const value = fs.readFileSync(path.join(CG, h, f), 'utf8').trim();
      for (const dir of [path.dirname(d), d]) if (!fs.readFileSync(path.join(dir, f), 'utf8').trim()) fs.writeFileSync(path.join(dir, f), value);
    }
  }
}

/** Both sides' results of `cmd` on their own bundle, plus what each left behind. */
async function both(cmd: 'create' | 'run', args: string[], edit?: Parameters<DifferentialFixture['bundles']>[1], before?: (id: string) => void) {
  const b = await fx.bundles(args, edit);
  const out = {} as Pair<{ code: number; stdout: string; stderr: string; cgroups: number; state: boolean }>;
  for (const side of SIDES) {
    const { dir, id } = b[side];
    before?.(id);
    const r = fx.on(side, [cmd, '--bundle', dir, id], { timeoutMs: 30_000 });
    out[side] = { ...r, cgroups: fx.cgroupDirs(id).length, state: fs.existsSync(path.join(side === 'ref' ? fx.refRoot : fx.root, id)) };
  }
  return { ...out, ids: { ref: b.ref.id, ours: b.ours.id } };
}

describeDifferential('cgroups around create, runc vs runc-ts', () => {
  test('a failed create leaves neither cgroup nor state', async () => {
    const r = await both('create', ['/nonexistent']);
    expect(r.ref).toMatchObject({ code: 1, cgroups: 0, state: false });
    expect(r.ours).toMatchObject({ code: 1, cgroups: 0, state: false });
  });

  test('a failed create removes a cgroup that existed (empty) before it', async () => {
    const r = await both('create', ['/nonexistent'], undefined, precreate);
    expect(r.ref).toMatchObject({ code: 1, cgroups: 0, state: false });
    expect(r.ours).toMatchObject({ code: 1, cgroups: 0, state: false });
  });

  test('a frozen cgroup is refused with runc\'s error and left as it was', async () => {
    const freeze = (id: string) => {
      precreate(id);
      fs.writeFileSync(path.join(CG, 'freezer', fx.cgroupParent, id, 'freezer.state'), 'FROZEN');
    };
    try {
      const r = await both('run', ['true'], undefined, freeze);
      for (const side of SIDES) {
        expect(r[side]).toMatchObject({ code: 1, state: false });
        expect(r[side].stderr).toContain("container's cgroup unexpectedly frozen");
        expect(fs.readFileSync(path.join(CG, 'freezer', fx.cgroupParent, r.ids[side], 'freezer.state'), 'utf8').trim()).toBe('FROZEN');
      }
      expect(r.ours.cgroups).toBe(r.ref.cgroups);
    } finally {
      for (const d of fx.cgroupDirs()) if (d.includes('/freezer/')) for (const id of fs.readdirSync(d)) {
        const f = path.join(d, id, 'freezer.state');
        if (fs.existsSync(f)) fs.writeFileSync(f, 'THAWED');
      }
    }
  });

  test('a cgroup with another process in it: a warning, the container runs, the process is left alone', async () => {
    const join = (id: string) => {
      precreate(id);
      const s = spawn('sleep', ['300'], { stdio: 'ignore' });
      sleepers.push(s);
      for (const h of fs.readdirSync(CG)) fs.writeFileSync(path.join(CG, h, fx.cgroupParent, id, 'cgroup.procs'), String(s.pid));
    };
    const r = await both('run', ['echo', 'ok'], undefined, join);
    for (const side of SIDES) {
      expect(r[side]).toMatchObject({ code: 0, stdout: 'ok\n', state: false });
      expect(r[side].stderr).toContain("container's cgroup is not empty: 1 process(es) found");
    }
    // alive, not a zombie (this process has not reaped it: spawnSync held the event loop)
    for (const s of sleepers) expect(fs.readFileSync(`/proc/${s.pid}/stat`, 'utf8').split(') ')[1]![0]).toBe('S');
  });
});
