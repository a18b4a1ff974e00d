// Memory and memory+swap limits, Debian runc against runc-ts: the kernel keeps memsw >= limit at
// every write, so raising both must write swap first and lowering both the limit first (runc's
// order, from the current limit). Each step runs on both sides' live containers; the limit files
// and exit codes must agree after every step, in sequence.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeDifferential, DifferentialFixture, type Pair, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-memsw');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const MiB = 1024 * 1024;

function memory(id: string): { limit: string; memsw: string } {
  const d = path.join('/sys/fs/cgroup/memory', fx.cgroupParent, id);
  const read = (f: string) => fs.readFileSync(path.join(d, f), 'utf8').trim();
  return { limit: read('memory.limit_in_bytes'), memsw: read('memory.memsw.limit_in_bytes') };
}

const haveSwapAccounting = fs.existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');

(haveSwapAccounting ? describeDifferential : describe.skip)('memory and swap write order, runc vs runc-ts', () => {
  let ids: Pair<string>;

  beforeAll(async () => {
    // Created with both limits set, so the first update starts from a constrained cgroup.
    const b = await fx.bundles(['sleep', '300'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 64 * MiB, swap: 128 * MiB } };
    });
    for (const side of SIDES) expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
    ids = { ref: b.ref.id, ours: b.ours.id };
    expect(memory(ids.ours)).toEqual(memory(ids.ref));
  });

  // In order: each step starts where the previous one left both cgroups.
  const STEPS: [string, string[]][] = [
    ['raise both above the current memsw', ['--memory', '256m', '--memory-swap', '512m']],
    ['lower both below the current limit', ['--memory', '32m', '--memory-swap', '48m']],
    ['raise the limit to just under memsw', ['--memory', '40m', '--memory-swap', '44m']],
    ['swap alone, raised', ['--memory-swap', '1g']],
    ['limit alone, lowered', ['--memory', '16m']],
    ['limit -1 alone also lifts swap', ['--memory', '-1']],
    ['both set equal', ['--memory', '100m', '--memory-swap', '100m']],
    ['swap unlimited, limit lowered', ['--memory', '50m', '--memory-swap', '-1']],
    ['swap alone, lowered', ['--memory-swap', '60m']],
    ['limit alone above memsw (the kernel refuses)', ['--memory', '80m']],
  ];

  test.each(STEPS)('%s: same exit code and limits', (_name, flags) => {
    const ref = fx.on('ref', ['update', ...flags, ids.ref]);
    const ours = fx.on('ours', ['update', ...flags, ids.ours]);
    expect({ code: ours.code, ...memory(ids.ours) }).toEqual({ code: ref.code, ...memory(ids.ref) });
  });

  test('the same steps through --resources JSON', () => {
    const steps = [
      { memory: { limit: 300 * MiB, swap: 600 * MiB } },
      { memory: { limit: 20 * MiB, swap: 30 * MiB } },
      { memory: { limit: -1, swap: -1 } },
    ];
    for (const r of steps) {
      const file = path.join(fx.tmp, 'resources.json');
      fs.writeFileSync(file, JSON.stringify(r));
      const ref = fx.on('ref', ['update', '--resources', file, ids.ref]);
      const ours = fx.on('ours', ['update', '--resources', file, ids.ours]);
      expect({ step: r, code: ours.code, ...memory(ids.ours) }).toEqual({ step: r, code: ref.code, ...memory(ids.ref) });
    }
  });
});
