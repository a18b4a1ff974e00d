// Device cgroup rules, Debian runc against runc-ts (issue 12): the container makes a node for a
// device no default rule covers (c 42:42) and opens it for reading and for writing. A refused open
// says "Operation not permitted" (the device cgroup); an allowed one reaches the kernel, which has no
// such driver ("No such device or address"). An empty or missing access is refused with runc's words.
import * as fs from 'node:fs';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-devices');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const PROBE = ['sh', '-c', 'mknod /tmp/d c 42 42 2>/dev/null || { echo mknod-denied; exit 0; }; for m in "<" ">"; do sh -c "exec 3$m/tmp/d" 2>&1 | sed "s/.*: //"; done'];

type Rule = NonNullable<NonNullable<NonNullable<Spec['linux']>['resources']>['devices']>[number];
const CASES: [string, Rule[]][] = [
  ['deny all', [{ allow: false, access: 'rwm' }]],
  ['allow all, then deny the device', [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 42, minor: 42, access: 'rwm' }]],
  ['allow all, then deny writing it', [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 42, minor: 42, access: 'w' }]],
  ['deny all, then allow reading it', [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 42, minor: 42, access: 'r' }]],
  ['allow all, then deny its major', [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 42, access: 'rw' }]],
  ['deny, allow rw, deny w', [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 42, minor: 42, access: 'rw' }, { allow: false, type: 'c', major: 42, minor: 42, access: 'w' }]],
];

describeDifferential('device cgroup rules, runc vs runc-ts', () => {
  test.each(CASES)('%s: the same opens are refused', async (_name, rules) => {
    const r = await fx.runBoth(PROBE, (s) => {
      s.linux!.resources = { ...s.linux!.resources, devices: rules };
    });
    expect(r.ref.code).toBe(0);
    expect(r.ours).toMatchObject({ code: 0, stderr: '' });
    expect(r.ours.stdout).toBe(r.ref.stdout);
    expect(r.ref.stdout).toMatch(/Operation not permitted|mknod-denied/);
  });

  test.each([
    ['empty', { allow: true, type: 'c', major: 42, minor: 42, access: '' }],
    ['missing', { allow: false }],
  ] as [string, Rule][])('an %s access is refused as runc refuses it', async (_name, rule) => {
    const r = await fx.runBoth(['true'], (s) => {
      s.linux!.resources = { devices: [{ allow: false, access: 'rwm' }, rule] };
    });
    for (const side of SIDES) {
      expect(r[side].code).toBe(1);
      expect(r[side].stderr).toContain('device access at 1 field cannot be empty');
    }
  });

  // cgroup v1 cannot take part of a wildcard exception away; runc refuses such lists (its emulator's
  // "cannot punch hole"), where writing them would leave the device silently reachable.
  const PUNCHES: [string, Rule[]][] = [
    ['deny all, allow c *:* rw, deny writing 42:42', [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', access: 'rw' }, { allow: false, type: 'c', major: 42, minor: 42, access: 'w' }]],
    ['allow all, deny c 42:*, allow reading 42:42', [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 42, access: 'rwm' }, { allow: true, type: 'c', major: 42, minor: 42, access: 'r' }]],
    ['allow all, deny c 1:* (the default rule for /dev/null punches it)', [{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 1, access: 'rwm' }]],
    ['deny all, allow b 7:* r, deny b 7:0 r', [{ allow: false, access: 'rwm' }, { allow: true, type: 'b', major: 7, access: 'r' }, { allow: false, type: 'b', major: 7, minor: 0, access: 'r' }]],
  ];

  test.each(PUNCHES)('%s: refused as runc refuses it', async (_name, rules) => {
    const r = await fx.runBoth(['true'], (s) => {
      s.linux!.resources = { ...s.linux!.resources, devices: rules };
    });
    expect(r.ref.code).not.toBe(0);
    expect(r.ref.stderr).toContain('cannot punch hole in existing wildcard rule');
    expect(r.ours.code).toBe(r.ref.code);
    expect(r.ours.stderr).toContain('cannot punch hole in existing wildcard rule');
    expect(fx.cgroupDirs().flatMap((d) => fs.readdirSync(d)).filter((e) => /^c\d+$/.test(e))).toEqual([]);
  });

  test('the same rules with the hole made first are accepted by both', async () => {
    const r = await fx.runBoth(PROBE, (s) => {
      s.linux!.resources = { ...s.linux!.resources, devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 42, minor: 42, access: 'r' }] };
    });
    expect(r.ref.code).toBe(0);
    expect(r.ours).toEqual(r.ref);
  });
});
