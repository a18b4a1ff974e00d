// runc's devices-cgroup model: which rule lists cgroup v1 cannot represent ("cannot punch hole").
import { DeviceEmulator } from '../src/cgroups/device-emulator.js';
import type { DeviceRule } from '../src/spec/config.js';

const rule = (allow: boolean, type: DeviceRule['type'], major: number | null, minor: number | null, access: string): DeviceRule => ({ allow, type, major, minor, access });
const all = (allow: boolean) => rule(allow, 'a', null, null, 'rwm');

test('exceptions that match whole entries are fine', () => {
  expect(() => DeviceEmulator.check([all(false), rule(true, 'c', 1, 3, 'rwm'), rule(false, 'c', 1, 3, 'w')])).not.toThrow();
  expect(() => DeviceEmulator.check([all(true), rule(false, 'c', 42, null, 'rw'), rule(true, 'c', 42, null, 'r')])).not.toThrow();
  // A removal that does not overlap the wildcard's permissions is fine too.
  expect(() => DeviceEmulator.check([all(false), rule(true, 'c', null, null, 'm'), rule(false, 'c', 1, 3, 'w')])).not.toThrow();
  // "a" resets everything, wildcards included.
  expect(() => DeviceEmulator.check([all(false), rule(true, 'c', null, null, 'rwm'), all(false), rule(false, 'c', 1, 3, 'r')])).not.toThrow();
});

test('taking part of a wildcard exception away is refused, with runc words', () => {
  expect(() => DeviceEmulator.check([all(false), rule(true, 'c', null, null, 'rw'), rule(false, 'c', 42, 42, 'w')])).toThrow(
    "unable to remove 'allow' exception: requested rule [c 42:42 w] not supported by devices cgroupv1 (cannot punch hole in existing wildcard rule [c *:* rw])",
  );
  expect(() => DeviceEmulator.check([all(true), rule(false, 'c', 42, null, 'rwm'), rule(true, 'c', 42, 42, 'r')])).toThrow(
    "unable to remove 'deny' exception: requested rule [c 42:42 r] not supported by devices cgroupv1 (cannot punch hole in existing wildcard rule [c 42:* rwm])",
  );
  expect(() => DeviceEmulator.check([all(false), rule(true, 'b', null, 0, 'r'), rule(false, 'b', 7, 0, 'r')])).toThrow(/\[b \*:0 r\]/);
});
