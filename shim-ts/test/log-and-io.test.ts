// The log writer, line splitting and stdio URIs: pure logic, plus a real full disk (a tiny tmpfs).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseIoUri } from '../src/io/io-uri.js';
import { JsonLogWriter, logTimestamp } from '../src/io/json-log-writer.js';
import { LineSplitter } from '../src/io/line-splitter.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-log-'));
});
afterEach(() => {
  try {
    execFileSync('umount', [path.join(tmp, 'full')], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('lines: split on newlines across chunks, partial lines held, over-long lines cut', () => {
  const s = new LineSplitter(8);
  expect(s.push(Buffer.from('ab\ncd')).map(String)).toEqual(['ab\n']);
  expect(s.push(Buffer.from('e\nfgh')).map(String)).toEqual(['cde\n']);
  expect(s.push(Buffer.from('ijklmnop\n')).map(String)).toEqual(['fghijklm', 'nop\n']);
  expect(s.push(Buffer.from('12345678\n')).map(String)).toEqual(['12345678\n']);
  expect(s.push(Buffer.from('tail')).map(String)).toEqual([]);
  expect(String(s.flush())).toBe('tail');
  expect(s.flush()).toBeUndefined();
});

test('records in Docker json-file form, with nanosecond timestamps', () => {
  const file = path.join(tmp, 'c.log');
  const w = new JsonLogWriter({ path: file }, () => undefined);
  w.write('stdout', Buffer.from('hello "world"\n'), Date.UTC(2026, 10, 23, 21, 0, 0, 123) + 0.5);
  w.close();
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ log: 'hello "world"\n', stream: 'stdout', time: '2026-11-23T21:00:00.123500000Z' });
  expect(logTimestamp(0)).toBe('1970-01-01T00:00:00.000000000Z');
});

test('rotation by size keeps max-file files', () => {
  const file = path.join(tmp, 'c.log');
  const w = new JsonLogWriter({ path: file, maxSize: 200, maxFiles: 3 }, () => undefined);
  for (let i = 0; i < 20; i++) w.write('stdout', Buffer.from(`line ${i}\n`), Date.now());
  w.close();
  const files = fs.readdirSync(tmp).sort();
  expect(files).toEqual(['c.log', 'c.log.1', 'c.log.2']);
  for (const f of files) expect(fs.statSync(path.join(tmp, f)).size).toBeLessThanOrEqual(200);
  const last = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { log: string }).log);
  expect(last.at(-1)).toBe('line 19\n');
});

test('a full disk drops records, reports it once, and recovers', () => {
  const dir = path.join(tmp, 'full');
  fs.mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
  const errors: string[] = [];
  const w = new JsonLogWriter({ path: path.join(dir, 'c.log') }, (m) => errors.push(m));
  fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(12 * 1024));
  for (let i = 0; i < 200; i++) w.write('stdout', Buffer.from(`${'x'.repeat(60)}\n`), Date.now());
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/cannot write, dropping records until it can: ENOSPC/);
  fs.rmSync(path.join(dir, 'filler'));
  w.write('stdout', Buffer.from('back\n'), Date.now());
  expect(errors).toHaveLength(2);
  expect(errors[1]).toMatch(/writing again/);
  w.close();
});

test('stdio URIs', () => {
  expect(parseIoUri('')).toEqual({ kind: 'none' });
  expect(parseIoUri('/run/containerd/fifo/1/c-stdout')).toEqual({ kind: 'fifo', path: '/run/containerd/fifo/1/c-stdout' });
  expect(parseIoUri('file:///var/log/c.log')).toEqual({ kind: 'file', path: '/var/log/c.log' });
  expect(parseIoUri('jsonlog:///var/lib/engine/c/c-json.log?max-size=10m&max-file=3')).toEqual({ kind: 'jsonlog', path: '/var/lib/engine/c/c-json.log', maxSize: 10 * 1024 * 1024, maxFiles: 3 });
  expect(parseIoUri('attach:')).toEqual({ kind: 'attach' });
  expect(() => parseIoUri('binary:///usr/bin/logger')).toThrow('unsupported stdio scheme binary:');
  expect(() => parseIoUri('jsonlog:///x?max-size=lots')).toThrow('invalid size "lots"');
});
