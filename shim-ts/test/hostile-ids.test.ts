// `shim-ts delete` builds paths from --group, --namespace and --id: each must be one safe path
// component, refused before any path is built (`--id ..` used to remove the runtime root's parent).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SHIM_TS = path.resolve(__dirname, '../../bin/shim-ts');
const HOSTILE = ['..', '.', '../..', 'a/b', '', 'a b'];

let tmp: string;
let sentinels: string[];

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-ts-ids-'));
  const dirs = ['state/g/tasks/ns/x', 'runtime/ns/x', 'bundle/rootfs'].map((d) => path.join(tmp, d));
  sentinels = [tmp, ...dirs, path.join(tmp, 'state'), path.join(tmp, 'runtime'), path.join(tmp, 'state/g')].map((d) => {
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'sentinel'), 'x');
    return path.join(d, 'sentinel');
  });
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function shimDelete(over: { group?: string; namespace?: string; id?: string }) {
  const args = ['delete', '--state-dir', path.join(tmp, 'state'), '--runtime-root', path.join(tmp, 'runtime'), '--bundle', path.join(tmp, 'bundle')];
  args.push('--group', over.group ?? 'g', '--namespace', over.namespace ?? 'ns', '--id', over.id ?? 'x');
  return spawnSync(SHIM_TS, args, { encoding: 'utf8', timeout: 30_000 });
}

test.each(HOSTILE)('delete refuses id, namespace and group %j and removes nothing', (bad) => {
  for (const over of [{ id: bad }, { namespace: bad }, { group: bad }]) {
    const r = shimDelete(over);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/invalid|needs --group|cannot be empty/);
    for (const s of sentinels) expect(fs.existsSync(s)).toBe(true);
  }
});
