// Exit codes and outcomes of commands issue 12 found different, Debian runc against runc-ts:
// `kill [--all] ID 0`, `run --keep`, `exec` into a paused container (runc's exec fails with 255
// whatever the reason), and a --pid-file that cannot be written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeDifferential, DifferentialFixture, type Pair, type Side, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-cli');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const BAD_PID_FILE = '/nonexistent-dir/x/pid';
const stateDir = (side: Side, id: string) => path.join(side === 'ref' ? fx.refRoot : fx.root, id);

/** The same command on both sides (`ID` stands for that side's container id). */
function both(ids: Pair<string>, args: string[]) {
  const r = {} as Pair<{ code: number; stdout: string; stderr: string }>;
  for (const side of SIDES) r[side] = fx.on(side, args.map((a) => (a === 'ID' ? ids[side] : a)));
  return r;
}

const status = (side: Side, id: string) => (JSON.parse(fx.on(side, ['state', id]).stdout) as { status: string; pid: number });

describeDifferential('exit codes, runc vs runc-ts', () => {
  let ids: Pair<string>;
  beforeAll(async () => {
    const b = await fx.bundles(['sleep', '300']);
    for (const side of SIDES) expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
    ids = { ref: b.ref.id, ours: b.ours.id };
  });

  test('kill ID 0 and kill --all ID 0 succeed and leave the container running', () => {
    for (const args of [['kill', 'ID', '0'], ['kill', '--all', 'ID', '0']]) {
      const r = both(ids, args);
      expect(r.ref).toMatchObject({ code: 0, stderr: '' });
      expect(r.ours).toMatchObject({ code: 0, stderr: '' });
    }
    for (const side of SIDES) expect(status(side, ids[side]).status).toBe('running');
  });

  test('exec into a paused container fails with 255 and runc\'s message', () => {
    expect(both(ids, ['pause', 'ID']).ours.code).toBe(0);
    try {
      const r = both(ids, ['exec', 'ID', 'true']);
      expect(r.ref.code).toBe(255);
      expect(r.ours.code).toBe(255);
      for (const side of SIDES) expect(r[side].stderr).toContain('cannot exec in a paused container (use --ignore-paused to override)');
    } finally {
      both(ids, ['resume', 'ID']);
    }
  });

  test('exec into a missing container and of a missing program: 255', () => {
    const missing = both({ ref: 'nosuch', ours: 'nosuch' }, ['exec', 'ID', 'true']);
    expect([missing.ref.code, missing.ours.code]).toEqual([255, 255]);
    const noProgram = both(ids, ['exec', 'ID', '/nonexistent']);
    expect([noProgram.ref.code, noProgram.ours.code]).toEqual([255, 255]);
  });

  test('exec with a --pid-file that cannot be written: 255, and no process left behind', () => {
    const count = (side: Side) => fx.on(side, ['ps', '--format', 'json', ids[side]]).stdout;
    const before = { ref: count('ref'), ours: count('ours') };
    for (const detach of [[], ['-d']]) {
      const r = both(ids, ['exec', ...detach, '--pid-file', BAD_PID_FILE, 'ID', 'sh', '-c', 'echo ran; sleep 30']);
      expect(r.ref.code).toBe(255);
      expect(r.ours.code).toBe(255);
      // Whether "ran" is printed before the process is killed is a race in both tools.
    }
    expect(count('ours')).toBe(before.ours);
    expect(count('ref')).toBe(before.ref);
  });

  test('create and run with a --pid-file that cannot be written: 1, no state, no cgroup', async () => {
    for (const cmd of ['create', 'run']) {
      const b = await fx.bundles(['true']);
      for (const side of SIDES) {
        const r = fx.on(side, [cmd, '--pid-file', BAD_PID_FILE, '--bundle', b[side].dir, b[side].id]);
        expect({ side, code: r.code, state: fs.existsSync(stateDir(side, b[side].id)), cgroups: fx.cgroupDirs(b[side].id).length }).toEqual({ side, code: 1, state: false, cgroups: 0 });
      }
    }
  });

  test('run --keep leaves the stopped container for state and delete', async () => {
    const b = await fx.bundles(['sh', '-c', 'echo hi; exit 3']);
    const r = { ref: fx.on('ref', ['run', '--keep', '--bundle', b.ref.dir, b.ref.id]), ours: fx.on('ours', ['run', '--keep', '--bundle', b.ours.dir, b.ours.id]) };
    expect(r.ref).toMatchObject({ code: 3, stdout: 'hi\n' });
    expect(r.ours).toMatchObject({ code: 3, stdout: 'hi\n', stderr: '' });
    const kept = { ref: status('ref', b.ref.id), ours: status('ours', b.ours.id) };
    expect(Object.keys(kept.ours).sort()).toEqual(Object.keys(kept.ref).sort());
    for (const side of SIDES) {
      expect(kept[side]).toMatchObject({ status: 'stopped', pid: 0 });
      expect(fx.on(side, ['delete', b[side].id]).code).toBe(0);
      expect(fs.existsSync(stateDir(side, b[side].id))).toBe(false);
      expect(fx.cgroupDirs(b[side].id)).toEqual([]);
    }
  });
});
