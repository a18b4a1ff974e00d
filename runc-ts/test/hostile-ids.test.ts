// Ids that are not one safe path component are refused by every command, before any path is
// built: nothing outside --root (nor --root itself) is ever touched. Issue: `delete ..` used to
// remove the parent of --root.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteContainer, InvalidIdError, runtime, validateId } from '../src/index.js';
import { RUNC_TS } from './helpers/runc-fixture.js';

const HOSTILE = ['..', '.', '../..', 'a/b', '/abs', '', 'a b', '..\\x', 'x'.repeat(300)];

/** Every command that takes an id, with the other arguments it needs. */
const COMMANDS: ((id: string) => string[])[] = [
  (id) => ['create', '--bundle', '/nonexistent', id],
  (id) => ['run', '--bundle', '/nonexistent', id],
  (id) => ['start', id],
  (id) => ['state', id],
  (id) => ['kill', id, 'KILL'],
  (id) => ['kill', '--all', id, '9'],
  (id) => ['delete', id],
  (id) => ['delete', '--force', id],
  (id) => ['pause', id],
  (id) => ['resume', id],
  (id) => ['exec', id, 'true'],
  (id) => ['ps', id],
  (id) => ['events', '--stats', id],
  (id) => ['update', '--pids-limit', '10', id],
];

let tmp: string;
let root: string;

beforeEach(() => {
  // /tmp/…/L1/L2/state with a sentinel at every level a bad id could reach.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runc-ts-ids-'));
  root = path.join(tmp, 'L1', 'L2', 'state');
  fs.mkdirSync(path.join(root, 'other'), { recursive: true });
  for (const d of [tmp, path.join(tmp, 'L1'), path.join(tmp, 'L1', 'L2'), root, path.join(root, 'other')]) fs.writeFileSync(path.join(d, 'sentinel'), 'x');
  fs.mkdirSync(path.join(tmp, 'L1', 'L2', 'a'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'L1', 'L2', 'a', 'sentinel'), 'x');
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sentinelsIntact(): void {
  for (const d of [tmp, path.join(tmp, 'L1'), path.join(tmp, 'L1', 'L2'), root, path.join(root, 'other'), path.join(tmp, 'L1', 'L2', 'a')]) {
    expect(fs.existsSync(path.join(d, 'sentinel'))).toBe(true);
  }
}

describe.each(HOSTILE)('id %j', (id) => {
  test.each(COMMANDS.map((c) => [c(id).join(' '), c]))('runc-ts %s fails and touches nothing', (_name, cmd) => {
    const r = spawnSync(RUNC_TS, ['--root', root, ...(cmd as (id: string) => string[])(id)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).not.toBe(0);
    if (id.length < 256) expect(r.stderr).toMatch(/invalid container ID format|container id cannot be empty|requires exactly 1 argument|requires 1 or 2 arguments|requires a container id/);
    sentinelsIntact();
  });
});

test('the library refuses hostile ids (NUL included) before building a path', () => {
  const rt = runtime({ root });
  for (const id of [...HOSTILE.filter((i) => i.length < 256), 'a\0b', '..\0']) {
    expect(() => validateId(id)).toThrow(InvalidIdError);
    expect(() => deleteContainer(rt, id, true)).toThrow(InvalidIdError);
    expect(() => rt.store.remove(id)).toThrow(InvalidIdError);
  }
  sentinelsIntact();
});

test("runc's id alphabet is accepted (word characters, '+', ',', '-', '.')", () => {
  for (const id of ['a', 'A_b', 'x+y', 'x,y', 'a-b', 'a.b', '...', '.hidden', 'x'.repeat(300)]) expect(() => validateId(id)).not.toThrow();
});

const RUNC = ['/usr/sbin/runc', '/usr/bin/runc'].find((p) => fs.existsSync(p));
(RUNC ? test : test.skip)('Debian runc refuses the same ids with the same message', () => {
  for (const id of HOSTILE.filter((i) => i.length < 256)) {
    const ref = spawnSync(RUNC!, ['--root', root, 'delete', id], { encoding: 'utf8' });
    const ours = spawnSync(RUNC_TS, ['--root', root, 'delete', id], { encoding: 'utf8' });
    expect(ours.status).toBe(ref.status);
    const message = id === '' ? 'container id cannot be empty' : 'invalid container ID format';
    expect(ref.stderr).toContain(message);
    expect(ours.stderr).toContain(message);
  }
  sentinelsIntact();
});
