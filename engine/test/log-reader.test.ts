// The json-file log reader: whole records come back as records, anything else as damage to report
// (never dropped in silence), in file order, rotated files included.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDamage, parseLines, readLogs, type LogEntry } from '../src/daemon/containers/log-reader.js';

const rec = (log: string, t = '2026-01-01T00:00:00.000000000Z') => JSON.stringify({ log, stream: 'stdout', time: t });

test('torn, glued and foreign lines are damage; whole records are records', () => {
  const text = [rec('a\n'), '{"log":"torn', `{"log":"x${rec('glued\n')}`, '{"other":1}', rec('b\n'), ''].join('\n');
  const out = parseLines(text, 'c-json.log');
  expect(out.map((e) => (isDamage(e) ? 'damage' : e.log))).toEqual(['a\n', 'damage', 'damage', 'damage', 'b\n']);
  expect((out[1] as { damage: string }).damage).toMatch(/^damaged log record in c-json\.log: /);
  expect((out[3] as { damage: string }).damage).toBe('damaged log record in c-json.log: not a json-file record');
});

test('readLogs yields the damage in place, across rotated files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-reader-'));
  try {
    const log = path.join(dir, 'c-json.log');
    fs.writeFileSync(`${log}.1`, `${rec('old\n')}\n{"log":"cut\n`);
    fs.writeFileSync(log, `${rec('new\n')}\n`);
    const got: LogEntry[] = [];
    for await (const e of readLogs(log, { stdout: true, stderr: true, follow: false, isRunning: () => false, signal: new AbortController().signal })) got.push(e);
    expect(got.map((e) => (isDamage(e) ? e.damage.split(':')[0] : e.log))).toEqual(['old\n', 'damaged log record in c-json.log.1', 'new\n']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
