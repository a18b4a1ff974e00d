// Capabilities inside the container, Debian runc against runc-ts on the same bundles: every set in
// /proc/self/status must be equal. Issue 12: `runc spec`'s config (ambient without inheritable) ran
// under runc but failed under runc-ts with `prctl 47: EPERM`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, RUNC_REF, SIDES } from '../helpers/differential.js';
import { RUNC_TS } from '../helpers/runc-fixture.js';

const fx = new DifferentialFixture('diff-caps');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const SPEC_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
const MORE = [...SPEC_CAPS, 'CAP_CHOWN', 'CAP_NET_RAW', 'CAP_SETUID', 'CAP_SYS_ADMIN'];

interface CapsCase {
  user: { uid: number; gid: number };
  caps: { bounding?: string[]; effective?: string[]; permitted?: string[]; inheritable?: string[]; ambient?: string[] };
}

const CASES: [string, CapsCase][] = [
  ["runc spec's sets (ambient, no inheritable), root", { user: { uid: 0, gid: 0 }, caps: { bounding: SPEC_CAPS, effective: SPEC_CAPS, permitted: SPEC_CAPS, ambient: SPEC_CAPS } }],
  ["runc spec's sets, non-root user", { user: { uid: 1000, gid: 1000 }, caps: { bounding: SPEC_CAPS, effective: SPEC_CAPS, permitted: SPEC_CAPS, ambient: SPEC_CAPS } }],
  ['inheritable and ambient, root', { user: { uid: 0, gid: 0 }, caps: { bounding: MORE, effective: MORE, permitted: MORE, inheritable: MORE, ambient: SPEC_CAPS } }],
  ['inheritable and ambient, non-root user', { user: { uid: 1000, gid: 1000 }, caps: { bounding: MORE, effective: MORE, permitted: MORE, inheritable: MORE, ambient: MORE } }],
  ['ambient beyond permitted, non-root user', { user: { uid: 1000, gid: 1000 }, caps: { bounding: MORE, effective: SPEC_CAPS, permitted: SPEC_CAPS, inheritable: MORE, ambient: MORE } }],
  ['inheritable without ambient, non-root user', { user: { uid: 1000, gid: 1000 }, caps: { bounding: MORE, effective: MORE, permitted: MORE, inheritable: SPEC_CAPS } }],
  ['no inheritable, no ambient, root', { user: { uid: 0, gid: 0 }, caps: { bounding: MORE, effective: MORE, permitted: MORE } }],
  ['empty sets, non-root user', { user: { uid: 1000, gid: 1000 }, caps: {} }],
];

/** The capability lines of /proc/self/status as the container's process sees them. */
const READ_CAPS = ['sh', '-c', 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status'];

describeDifferential('capabilities, runc vs runc-ts', () => {
  test.each(CASES)('%s: same CapInh/CapPrm/CapEff/CapBnd/CapAmb', async (_name, c) => {
    const r = await fx.runBoth(READ_CAPS, (s: Spec) => {
      s.process!.user = c.user;
      s.process!.capabilities = c.caps;
    });
    expect(r.ours.stderr).toBe('');
    expect(r.ref.code).toBe(0);
    expect(r.ours.code).toBe(r.ref.code);
    expect(r.ours.stdout.split('\n').filter(Boolean)).toHaveLength(5);
    expect(r.ours.stdout).toBe(r.ref.stdout);
  });

  test('exec with the same capability sets gives the same sets as runc exec', async () => {
    const b = await fx.bundles(['sleep', '30'], (s) => {
      s.process!.user = { uid: 1000, gid: 1000 };
      s.process!.capabilities = { bounding: MORE, effective: SPEC_CAPS, permitted: SPEC_CAPS, inheritable: SPEC_CAPS, ambient: MORE };
    });
    const out = { ref: '', ours: '' };
    for (const side of SIDES) {
      const { dir, id } = b[side];
      expect(fx.on(side, ['run', '-d', '--bundle', dir, id]).code).toBe(0);
      const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as Spec;
      const proc = path.join(fx.tmp, `process-${side}.json`);
      fs.writeFileSync(proc, JSON.stringify({ ...cfg.process, args: READ_CAPS }));
      const r = fx.on(side, ['exec', '--process', proc, id]);
      expect(r.code).toBe(0);
      out[side] = r.stdout;
      fx.on(side, ['delete', '--force', id]);
    }
    expect(out.ours).toBe(out.ref);
  });
});

(RUNC_REF ? test : test.skip)("`runc-ts spec` writes runc spec's capability sets", () => {
  const dirs = { ref: fs.mkdtempSync(path.join(os.tmpdir(), 'spec-ref-')), ours: fs.mkdtempSync(path.join(os.tmpdir(), 'spec-ours-')) };
  try {
    expect(spawnSync(RUNC_REF!, ['spec', '--bundle', dirs.ref]).status).toBe(0);
    expect(spawnSync(RUNC_TS, ['spec', '--bundle', dirs.ours]).status).toBe(0);
    const caps = (d: string) => (JSON.parse(fs.readFileSync(path.join(d, 'config.json'), 'utf8')) as Spec).process!.capabilities;
    expect(caps(dirs.ours)).toEqual(caps(dirs.ref));
  } finally {
    fs.rmSync(dirs.ref, { recursive: true, force: true });
    fs.rmSync(dirs.ours, { recursive: true, force: true });
  }
});
