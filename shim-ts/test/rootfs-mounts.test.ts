// A rootfs mount that fails says why in the errno's words, without the bundle's path on the host
// (the message reaches engine users), and leaves nothing mounted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mountRootfs } from '../src/mount/rootfs-mounts.js';

test('a failed rootfs mount names the mount type and the reason, not the bundle', () => {
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-rootfs-'));
  try {
    let message = '';
    try {
      mountRootfs(bundle, [{ type: 'nosuchfs', source: 'none', options: [] }]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("cannot mount the container's root filesystem (nosuchfs): ENODEV: no such device");
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(bundle);
  } finally {
    fs.rmSync(bundle, { recursive: true, force: true });
  }
});
