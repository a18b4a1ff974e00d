// --no-pivot, Debian runc against runc-ts (issue 12): the host's proc and sysfs mounts stay in the
// container's mount namespace below its chroot, and the kernel lets a new user namespace mount a
// fresh, unmasked procfs while a full one is reachable. runc detaches them first; so must we.
import { parseMountinfo } from '../../src/init/rootfs.js';
import { describeDifferential, DifferentialFixture, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-nopivot');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const sh = (script: string) => ['sh', '-c', script];
const MOUNT_PROC = "unshare -mrpf sh -c 'mount -t proc none /proc && echo MOUNTED' 2>&1; echo status=$?";

describeDifferential('--no-pivot, runc vs runc-ts', () => {
  test('a new user namespace in the container cannot mount a fresh /proc', async () => {
    const r = await fx.runBoth(sh(MOUNT_PROC), undefined, ['--no-pivot']);
    for (const side of SIDES) {
      expect(r[side].code).toBe(0);
      expect(r[side].stdout).not.toContain('MOUNTED');
      expect(r[side].stdout).toMatch(/permission denied/i);
    }
    expect(r.ours.stdout).toBe(r.ref.stdout);
  });

  test('with pivot_root it is refused too (the control)', async () => {
    const r = await fx.runBoth(sh(MOUNT_PROC));
    expect(r.ref.stdout).toMatch(/permission denied/i);
    expect(r.ours.stdout).toBe(r.ref.stdout);
  });

  test('the container still works: its /proc and /sys, the same mount points as under runc', async () => {
    const script = 'head -1 /proc/self/status; ls /sys/fs/cgroup >/dev/null && echo sys-ok; cut -d" " -f5 /proc/self/mountinfo | grep -E "^/(proc|sys)$" | sort -u';
    const r = await fx.runBoth(sh(script), undefined, ['--no-pivot']);
    expect(r.ref.code).toBe(0);
    expect(r.ours).toMatchObject({ code: 0, stderr: '' });
    expect(r.ours.stdout).toBe(r.ref.stdout);
  });
});

test('parseMountinfo reads root, mount point (unescaped) and type, after the optional fields', () => {
  const text = [
    '22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw',
    '23 1 0:22 / /a\\040b rw master:1 shared:2 - sysfs sysfs rw',
    '24 1 8:1 /sub /mnt rw - ext4 /dev/sda1 rw',
    '',
  ].join('\n');
  expect(parseMountinfo(text)).toEqual([
    { id: 22, root: '/', mountPoint: '/proc', fstype: 'proc' },
    { id: 23, root: '/', mountPoint: '/a b', fstype: 'sysfs' },
    { id: 24, root: '/sub', mountPoint: '/mnt', fstype: 'ext4' },
  ]);
});
