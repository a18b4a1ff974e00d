// cgroup v2 block I/O (and memory+swap) as runc writes them, on a directory standing in for a cgroup (no root):
// BFQ's io.bfq.weight when present (device lines only where BFQ takes them), else io.weight, and
// io.max lines per throttle.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { blkioToIoWeight, swapToV2, V2Cgroups } from '../src/cgroups/v2.js';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runc-ts-v2io-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
const cgroup = (warnings: string[] = []) => new V2Cgroups(dir, dir, (m) => warnings.push(m));

test('without BFQ: the weight goes to io.weight, converted from the blkio range', () => {
  cgroup().apply({ blockIO: { weight: 500 }, devices: [] });
  expect(read('io.weight')).toBe(String(blkioToIoWeight(500)));
});

test('with per-device BFQ: weight and device weights go to io.bfq.weight', () => {
  fs.writeFileSync(path.join(dir, 'io.bfq.weight'), 'default 100\n');
  cgroup().apply({ blockIO: { weight: 500, weightDevice: [{ major: 254, minor: 0, weight: 300 }] }, devices: [] });
  expect(read('io.bfq.weight')).toBe('254:0 300\n'); // the last of the two writes
  expect(fs.existsSync(path.join(dir, 'io.weight'))).toBe(false);
});

test('BFQ without device weights (before 5.4): device weights are not applied, and a warning says so', () => {
  fs.writeFileSync(path.join(dir, 'io.bfq.weight'), '100\n');
  const warnings: string[] = [];
  cgroup(warnings).apply({ blockIO: { weightDevice: [{ major: 254, minor: 0, weight: 300 }] }, devices: [] });
  expect(read('io.bfq.weight')).toBe('100\n');
  expect(warnings).toEqual([expect.stringMatching(/weightDevice needs BFQ/)]);
});

test('throttles become io.max lines', () => {
  cgroup().apply({ blockIO: { throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 7 }] }, devices: [] });
  expect(read('io.max')).toBe('8:0 wiops=7');
  cgroup().apply({ blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 16, rate: 1048576 }] }, devices: [] });
  expect(read('io.max')).toBe('8:16 rbps=1048576');
});

test("memory+swap as v2's swap-only limit, with runc's rules", () => {
  expect(swapToV2(0, -1)).toBe(-1); // unlimited memory lifts swap
  expect(swapToV2(-1, 100)).toBe(-1);
  expect(swapToV2(0, 100)).toBe(0);
  expect(swapToV2(300, 100)).toBe(200);
  expect(swapToV2(100, 100)).toBe(0);
  expect(() => swapToV2(300, 0)).toThrow('unable to set swap limit without memory limit');
  expect(() => swapToV2(50, 100)).toThrow('memory+swap limit should be >= memory limit');
  cgroup().apply({ memory: { limit: 100, swap: 100 }, devices: [] });
  expect([read('memory.max'), read('memory.swap.max')]).toEqual(['100', '0']);
  cgroup().apply({ memory: { limit: -1 }, devices: [] });
  expect([read('memory.max'), read('memory.swap.max')]).toEqual(['max', 'max']);
});
