// linux.resources.blockIO device lists, Debian runc against runc-ts: throttles written one line per
// device to the blkio.throttle.* files at create; weights through the CFQ or BFQ files (this host's
// kernel has neither, so both runtimes refuse them); update changes only the weight (runc 1.1 does
// not apply the device lists of an update).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture, type Pair, SIDES } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-blkio');
beforeAll(() => fx.init());
afterAll(() => fx.cleanup());

const BLKIO = '/sys/fs/cgroup/blkio';
const FILES = ['blkio.throttle.read_bps_device', 'blkio.throttle.write_bps_device', 'blkio.throttle.read_iops_device', 'blkio.throttle.write_iops_device'];

/** A block device of this host ("major:minor" of the first disk in /proc/partitions). */
function blockDevice(): { major: number; minor: number } {
  const line = fs.readFileSync('/proc/partitions', 'utf8').split('\n').slice(2).find((l) => l.trim());
  const [major, minor] = line!.trim().split(/\s+/).map(Number) as [number, number];
  return { major, minor };
}

function throttles(id: string): Record<string, string> {
  return Object.fromEntries(FILES.map((f) => [f, fs.readFileSync(path.join(BLKIO, fx.cgroupParent, id, f), 'utf8').trim()]));
}

const haveThrottle = fs.existsSync(path.join(BLKIO, 'blkio.throttle.read_bps_device'));

(haveThrottle ? describeDifferential : describe.skip)('blkio device limits, runc vs runc-ts', () => {
  const dev = blockDevice();
  const throttled = (s: Spec) => {
    s.linux!.resources = {
      ...s.linux!.resources,
      blockIO: {
        throttleReadBpsDevice: [{ ...dev, rate: 1048576 }],
        throttleWriteBpsDevice: [{ ...dev, rate: 2097152 }],
        throttleReadIOPSDevice: [{ ...dev, rate: 300 }],
        throttleWriteIOPSDevice: [{ ...dev, rate: 400 }],
      },
    };
  };
  let ids: Pair<string>;

  beforeAll(async () => {
    const b = await fx.bundles(['sleep', '300'], throttled);
    for (const side of SIDES) expect(fx.on(side, ['run', '-d', '--bundle', b[side].dir, b[side].id]).code).toBe(0);
    ids = { ref: b.ref.id, ours: b.ours.id };
  });

  test('throttles at create: the same lines in the same files', () => {
    const ref = throttles(ids.ref);
    expect(ref['blkio.throttle.read_bps_device']).toBe(`${dev.major}:${dev.minor} 1048576`);
    expect(throttles(ids.ours)).toEqual(ref);
  });

  test('update with device lists: not applied, as runc 1.1 (runc-ts says so on stderr)', () => {
    const file = path.join(fx.tmp, 'update.json');
    fs.writeFileSync(file, JSON.stringify({ blockIO: { throttleReadBpsDevice: [{ ...dev, rate: 4096 }], throttleWriteIOPSDevice: [{ ...dev, rate: 10 }] } }));
    const ref = fx.on('ref', ['update', '--resources', file, ids.ref]);
    const ours = fx.on('ours', ['update', '--resources', file, ids.ours]);
    expect({ code: ours.code, files: throttles(ids.ours) }).toEqual({ code: ref.code, files: throttles(ids.ref) });
    expect(ours.stderr).toMatch(/throttleReadBpsDevice, throttleWriteIOPSDevice cannot be changed by update/);
  });

  test('update --blkio-weight and a weight in --resources: the same result', () => {
    const file = path.join(fx.tmp, 'weight.json');
    fs.writeFileSync(file, JSON.stringify({ blockIO: { weight: 500 } }));
    for (const args of [['--blkio-weight', '300'], ['--resources', file]]) {
      const ref = fx.on('ref', ['update', ...args, ids.ref]);
      const ours = fx.on('ours', ['update', ...args, ids.ours]);
      expect({ args, code: ours.code }).toEqual({ args, code: ref.code });
      expect(throttles(ids.ours)).toEqual(throttles(ids.ref));
    }
  });

  const CREATES: [string, (s: Spec) => void, boolean][] = [
    ['a per-device weight', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { weightDevice: [{ ...dev, weight: 500 }] } }), false],
    ['a per-device leaf weight', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { weightDevice: [{ ...dev, leafWeight: 500 }] } }), false],
    ['a leaf weight', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { leafWeight: 500 } }), false],
    ['a weight', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { weight: 500 } }), false],
    ['a per-device entry without a weight (nothing to write)', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { weightDevice: [{ ...dev }] } }), true],
    ['a throttle on a device that does not exist', (s) => (s.linux!.resources = { ...s.linux!.resources, blockIO: { throttleReadBpsDevice: [{ major: 4095, minor: 4095, rate: 100 }] } }), false],
  ];

  test.each(CREATES)('create with %s: same exit code', async (_name, edit, runs) => {
    const r = await fx.runBoth(['true'], edit);
    expect(r.ref.code === 0).toBe(runs); // this host's kernel has neither CFQ nor BFQ files
    expect(r.ours.code).toBe(r.ref.code);
  });
});
