// A config without a mount namespace, Debian runc against runc-ts (issue 12: runc-ts refused it).
// runc then makes the spec's mounts on the host, under the rootfs, and chroots the process into it;
// it refuses masked/read-only paths ("unable to restrict sys entries…"). Deliberate differences:
// runc leaves those host mounts behind after delete, runc-ts detaches the ones it made; runc's
// exec runs the process in the host's root, runc-ts's in the container's chroot; runc-ts refuses
// root.readonly and --no-pivot there (both would change host mounts).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-nomntns');
beforeAll(() => fx.init());
afterAll(async () => {
  await fx.cleanup();
  expect(fx.leakedMounts()).toEqual([]);
});

/** runc's host mounts (its rootfs bind and everything below) stay after its delete: the test removes them. */
function unmountBelow(dir: string): void {
  const real = fs.realpathSync(dir);
  for (let round = 0; round < 5; round++) {
    const points = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p === real || p.startsWith(`${real}/`));
    if (points.length === 0) return;
    for (const p of points.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', p]);
  }
}

const mountsBelow = (dir: string) => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => (l.split(' ')[4] ?? '').startsWith(`${fs.realpathSync(dir)}/`)).length;

const noMountNs = (s: Spec) => {
  s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount');
  delete s.linux!.maskedPaths;
  delete s.linux!.readonlyPaths;
};

describeDifferential('no mount namespace, runc vs runc-ts', () => {
  test('the container runs chrooted in its rootfs with its mounts; runc-ts leaves no host mount behind', async () => {
    const b = await fx.bundles(['sh', '-c', 'echo hi; ls /; head -1 /proc/self/status; ls /dev/null /sys/fs/cgroup >/dev/null && echo dev-sys-ok'], noMountNs);
    const r = { ref: fx.on('ref', ['run', '--bundle', b.ref.dir, b.ref.id]), ours: fx.on('ours', ['run', '--bundle', b.ours.dir, b.ours.id]) };
    try {
      expect(r.ref.code).toBe(0);
      expect(r.ours).toEqual(r.ref);
      expect(r.ours.stdout).toContain('dev-sys-ok');
      expect(mountsBelow(path.join(b.ref.dir, 'rootfs'))).toBeGreaterThan(0); // runc's leak, as documented
      expect(mountsBelow(path.join(b.ours.dir, 'rootfs'))).toBe(0);
    } finally {
      unmountBelow(path.join(b.ref.dir, 'rootfs'));
    }
  });

  test('exec runs in the container\'s chroot (runc\'s runs in the host\'s root); delete detaches the mounts', async () => {
    const b = await fx.bundles(['sleep', '300'], noMountNs);
    const out = { ref: '', ours: '' };
    try {
      for (const side of SIDES) {
        expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
        const r = fx.on(side, ['exec', b[side].id, 'sh', '-c', 'ls /; pwd; cat /proc/1/cmdline']);
        expect(r.code).toBe(0);
        out[side] = r.stdout;
        expect(fx.on(side, ['delete', '--force', b[side].id]).code).toBe(0);
      }
      const containerRoot = fs.readdirSync(path.join(b.ours.dir, 'rootfs')).sort().join('\n');
      expect(out.ours).toBe(`${containerRoot}\n/\nsleep\u0000300\u0000`);
      expect(out.ref).not.toBe(out.ours); // runc's exec process sees the host's / and /proc
      expect(mountsBelow(path.join(b.ours.dir, 'rootfs'))).toBe(0);
    } finally {
      unmountBelow(path.join(b.ref.dir, 'rootfs'));
    }
  });

  test('masked or read-only paths without a mount namespace: refused with runc\'s message, nothing mounted', async () => {
    const b = await fx.bundles(['true'], (s) => {
      s.linux!.namespaces = s.linux!.namespaces!.filter((n) => n.type !== 'mount');
      s.linux!.maskedPaths = ['/proc/kcore'];
    });
    for (const side of SIDES) {
      const r = fx.on(side, ['run', '--bundle', b[side].dir, b[side].id]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('unable to restrict sys entries without a private MNT namespace');
      expect(mountsBelow(path.join(b[side].dir, 'rootfs'))).toBe(0);
    }
  });

  test('a failed create without a mount namespace detaches what it mounted', async () => {
    const b = await fx.bundles(['/nonexistent'], noMountNs);
    try {
      for (const side of SIDES) expect(fx.on(side, ['run', '--bundle', b[side].dir, b[side].id]).code).toBe(1);
      expect(mountsBelow(path.join(b.ours.dir, 'rootfs'))).toBe(0);
    } finally {
      unmountBelow(path.join(b.ref.dir, 'rootfs'));
    }
  });

  test('runc-ts refuses root.readonly and --no-pivot without a mount namespace', async () => {
    const ro = await fx.bundle(['true'], (s) => {
      noMountNs(s);
      s.root!.readonly = true;
    });
    expect(fx.runc(['run', '--bundle', ro.dir, ro.id])).toMatchObject({ code: 1, stderr: expect.stringContaining('root.readonly needs a mount namespace') });
    const np = await fx.bundle(['true'], noMountNs);
    expect(fx.runc(['run', '--no-pivot', '--bundle', np.dir, np.id])).toMatchObject({ code: 1, stderr: expect.stringContaining('--no-pivot needs a mount namespace') });
    for (const d of [ro.dir, np.dir]) expect(mountsBelow(path.join(d, 'rootfs'))).toBe(0);
  });
});
