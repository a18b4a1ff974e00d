// runc 1.1's recursive mount options (rro, rnoexec, …: mount_setattr with AT_RECURSIVE), Debian
// runc against runc-ts (issue 12: runc-ts passed them to the filesystem as data, so a bind with
// `rro` stayed writable). The bind source has a tmpfs mounted below it: plain `ro` leaves that
// submount writable, `rro` does not.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Spec } from '../../src/spec/types.js';
import { describeDifferential, DifferentialFixture } from '../helpers/differential.js';

const fx = new DifferentialFixture('diff-rro');
let src: string;
let sub: string;

beforeAll(async () => {
  await fx.init();
  src = path.join(fx.tmp, 'src');
  sub = path.join(src, 'sub');
  fs.mkdirSync(sub, { recursive: true });
  expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', sub]).status).toBe(0);
});

afterAll(async () => {
  if (sub) spawnSync('umount', ['-l', sub]);
  await fx.cleanup();
});

const PROBE = ['sh', '-c', 'for d in /data /data/sub; do touch $d/f 2>/dev/null && echo "$d writable" || echo "$d read-only"; done; touch /data/sub/x.sh && chmod +x /data/sub/x.sh && printf "#!/bin/sh\\necho ran\\n" > /data/sub/x.sh; /data/sub/x.sh 2>/dev/null || echo "no exec"'];

const bind = (options: string[]) => (s: Spec) => {
  s.mounts!.push({ destination: '/data', source: src, type: 'bind', options: ['rbind', ...options] });
};

describeDifferential('recursive mount options, runc vs runc-ts', () => {
  test.each([
    ['ro (the submount stays writable)', ['ro']],
    ['rro (read-only all the way down)', ['rro']],
    ['ro with rrw', ['ro', 'rrw']],
    ['rnoexec', ['rnoexec']],
    ['rro and rnoexec', ['rro', 'rnoexec']],
  ])('%s: the same mounts are writable and executable', async (_name, options) => {
    const r = await fx.runBoth(PROBE, bind(options));
    expect(r.ref.code).toBe(0);
    expect(r.ours).toEqual(r.ref);
  });

  test('rro makes the submount read-only under both', async () => {
    const r = await fx.runBoth(PROBE, bind(['rro']));
    expect(r.ours.stdout).toContain('/data/sub read-only');
  });
});
