// `update` flags with negative values, Debian runc against runc-ts: runc's flag parser takes the
// argument after a flag as its value even when it starts with '-' (issue 12: runc-ts said
// "argument is ambiguous" for `--memory-swap -1` and `--cpu-quota -1`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { joinFlagValues } from '../../src/cli/command.js';
import { describeDifferential, DifferentialFixture, type Pair, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-update');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const FILES = ['memory/memory.limit_in_bytes', 'memory/memory.memsw.limit_in_bytes', 'cpu/cpu.cfs_quota_us', 'cpu/cpu.cfs_period_us', 'pids/pids.max'];

/** The limit files of one side's container cgroup, present ones only. */
function limits(id: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FILES) {
    const [controller, file] = f.split('/') as [string, string];
    const p = path.join('/sys/fs/cgroup', controller, fx.cgroupParent, id, file);
    if (fs.existsSync(p)) out[f] = fs.readFileSync(p, 'utf8').trim();
  }
  return out;
}

describeDifferential('update with negative flag values, runc vs runc-ts', () => {
  let ids: Pair<string>;

  beforeAll(async () => {
    const b = await fx.bundles(['sleep', '300']);
    for (const side of SIDES) expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
    ids = { ref: b.ref.id, ours: b.ours.id };
  });

  const STEPS: string[][] = [
    ['--memory', '64m', '--memory-swap', '128m'],
    ['--memory-swap', '-1'],
    ['--memory', '-1', '--memory-swap', '-1'],
    ['--cpu-period', '100000', '--cpu-quota', '50000'],
    ['--cpu-quota', '-1'],
    ['--pids-limit', '20'],
    ['--pids-limit', '-1'],
    ['--cpu-quota', '-x'],
  ];

  test.each(STEPS.map((s) => [s.join(' '), s]))('update %s: same exit code and limits', (_name, flags) => {
    const r = { ref: fx.on('ref', ['update', ...(flags as string[]), ids.ref]), ours: fx.on('ours', ['update', ...(flags as string[]), ids.ours]) };
    expect({ code: r.ours.code, limits: limits(ids.ours) }).toEqual({ code: r.ref.code, limits: limits(ids.ref) });
    if (r.ref.code === 0) expect(r.ours.stderr).toBe('');
    else expect(r.ours.stderr).toMatch(/-x/);
  });
});

test('joinFlagValues gives a value-taking flag the next argument, whatever it looks like', () => {
  const options = { 'cpu-quota': { type: 'string' as const }, env: { type: 'string' as const, short: 'e', multiple: true }, all: { type: 'boolean' as const, short: 'a' } };
  expect(joinFlagValues(['--cpu-quota', '-1', 'id'], options)).toEqual(['--cpu-quota=-1', 'id']);
  expect(joinFlagValues(['-e', '-X=1', '--all', 'id', '-1'], options)).toEqual(['--env=-X=1', '--all', 'id', '-1']);
  expect(joinFlagValues(['--cpu-quota=-2', '--', '--cpu-quota', '-1'], options)).toEqual(['--cpu-quota=-2', '--', '--cpu-quota', '-1']);
  expect(joinFlagValues(['--cpu-quota'], options)).toEqual(['--cpu-quota']);
});
