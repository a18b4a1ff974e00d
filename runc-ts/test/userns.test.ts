// A user namespace: root inside maps to an unprivileged uid outside.
import * as fs from 'node:fs';
import { RuncFixture } from './helpers/runc-fixture.js';

const fx = new RuncFixture('userns');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const HOST_ID = 100000;

test('root in the container is uid 100000 on the host', async () => {
  const b = await fx.bundle(['sh', '-c', 'id -u; cat /proc/self/uid_map; echo ok > /tmp/ok; exec sleep 30'], (s) => {
    s.linux!.namespaces!.push({ type: 'user' });
    s.linux!.uidMappings = [{ containerID: 0, hostID: HOST_ID, size: 65536 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: HOST_ID, size: 65536 }];
  });
  // The rootfs must be writable by the mapped root for /tmp writes.
  fs.chownSync(`${b.dir}/rootfs/tmp`, HOST_ID, HOST_ID);
  expect(fx.runc(['run', '-d', '--bundle', b.dir, b.id])).toMatchObject({ code: 0, stderr: '' });
  const { pid } = JSON.parse(fx.runc(['state', b.id]).stdout) as { pid: number };
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  expect(status).toMatch(new RegExp(`^Uid:\\s+${HOST_ID}\\s+${HOST_ID}`, 'm'));
  expect(status).toMatch(new RegExp(`^Gid:\\s+${HOST_ID}\\s+${HOST_ID}`, 'm'));
  expect(fs.readFileSync(`/proc/${pid}/uid_map`, 'utf8')).toMatch(new RegExp(`^\\s+0\\s+${HOST_ID}\\s+65536`));
  expect(fs.statSync(`${b.dir}/rootfs/tmp/ok`).uid).toBe(HOST_ID);
  expect(fx.runc(['delete', '--force', b.id]).code).toBe(0);
  expect(fx.cgroupDirs(b.id)).toEqual([]);
});

test('mappings without a user namespace are refused', async () => {
  const b = await fx.bundle(['true'], (s) => {
    s.linux!.uidMappings = [{ containerID: 0, hostID: HOST_ID, size: 1 }];
    s.linux!.gidMappings = [{ containerID: 0, hostID: HOST_ID, size: 1 }];
  });
  const r = fx.runc(['run', '--bundle', b.dir, b.id]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/no user namespace/);
});
