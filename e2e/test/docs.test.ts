// The user docs stay true to the programs: links resolve inside the repository, every engine and
// stackctl command they name exists, and the daemon.json reference matches what engined accepts.
// (docs/getting-started.md's commands are run for real by install.test.ts.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '@stack/tools';

const REPO = path.resolve(__dirname, '../../..');
const DOCS = path.join(REPO, 'docs');
const ENGINE = path.join(REPO, 'engine/bin/engine');
const ENGINED = path.join(REPO, 'engine/bin/engined');
const STACKCTL = path.join(REPO, 'tools/bin/stackctl');

const pages = () => fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => path.join(DOCS, f));
const text = (file: string) => fs.readFileSync(file, 'utf8');

/** Code spans and sh blocks: where commands are shown. */
function codeOf(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).concat([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!));
}

test('docs exist and every relative link resolves to a file in the repository', () => {
  expect(pages().map((p) => path.basename(p)).sort()).toEqual(['README.md', 'daemon-json.md', 'getting-started.md', 'service.md', 'troubleshooting.md']);
  for (const file of [...pages(), path.join(REPO, 'README.md')]) {
    for (const m of text(file).matchAll(/\]\(([^)]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (/^[a-z]+:/.test(target) || target === '') continue;
      const resolved = path.resolve(path.dirname(file), target);
      expect({ file, target, inRepo: !path.relative(REPO, resolved).startsWith('..'), exists: fs.existsSync(resolved) }).toEqual({ file, target, inRepo: true, exists: true });
    }
  }
});

test('every engine command the docs show exists', async () => {
  const commands = new Set<string>();
  for (const file of pages()) {
    for (const line of codeOf(text(file))) {
      for (const m of line.matchAll(/(?:^|[\s$(])engine ([a-z]+)/g)) commands.add(m[1]!);
    }
  }
  expect(commands.size).toBeGreaterThan(8);
  for (const c of commands) {
    const r = await runCommand(ENGINE, [c, '--help'], { input: null });
    expect({ command: c, code: r.code }).toEqual({ command: c, code: 0 });
  }
});

test('every stackctl command the docs show is one stackctl has', async () => {
  const help = (await runCommand(STACKCTL, ['--help'], { input: null })).stdout;
  const shown = new Set(pages().flatMap((f) => codeOf(text(f)).flatMap((l) => [...l.matchAll(/stackctl ([a-z|]+)/g)].flatMap((m) => m[1]!.split('|')))));
  expect([...shown].sort()).toEqual(['restart', 'start', 'status', 'stop']);
  for (const c of shown) expect(help).toMatch(new RegExp(`^  ${c}\\s`, 'm'));
});

test('the daemon.json reference documents the keys engined accepts, and engined refuses others', async () => {
  const rows = [...text(path.join(DOCS, 'daemon-json.md')).matchAll(/^\| `([a-z-]+)` \| ([^|]+) \|/gm)].map((m) => ({ key: m[1]!, flags: [...m[2]!.matchAll(/--[a-z-]+/g)].map((f) => f[0]) }));
  expect(rows.length).toBeGreaterThan(15);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-daemon-json-'));
  try {
    // Every documented key at once plus one unknown: engined must name the unknown one only.
    const config = path.join(dir, 'daemon.json');
    fs.writeFileSync(config, JSON.stringify({ ...Object.fromEntries(rows.map((r) => [r.key, null])), 'no-such-key': 1 }));
    const r = await runCommand(ENGINED, ['--config-file', config], { input: null });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`unable to configure engined with file ${config}: the following directives don't match any configuration option: no-such-key"`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Every flag engined --help lists is in the reference (or is about the file itself or help).
  const help = (await runCommand(ENGINED, ['--help'], { input: null })).stdout;
  const documented = new Set(rows.flatMap((r) => r.flags));
  for (const m of help.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)) {
    if (['--config-file', '--help', '--version'].includes(m[1]!)) continue;
    expect({ flag: m[1], documented: documented.has(m[1]!) }).toEqual({ flag: m[1], documented: true });
  }
});
