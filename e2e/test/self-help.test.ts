// Every binary explains itself: --help and --version exit 0 on stdout, runc-ts's help has runc's
// layout (compared with Debian's runc), and engined's help lists only flags engined accepts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROGRAMS, runCommand } from '@stack/tools';

const REPO = path.resolve(__dirname, '../../..');
const bin = (name: string) => path.join(REPO, PROGRAMS[name]!);

/** The section headings of a urfave/cli help page (NAME:, USAGE:, …), in order. */
const headings = (help: string) => help.split('\n').filter((l) => /^[A-Z][A-Z ]+:$/.test(l));

/** `name  description` rows of the COMMANDS: section. */
function commandRows(help: string): Map<string, string> {
  const lines = help.split('\n');
  const rows = new Map<string, string>();
  for (let i = lines.indexOf('COMMANDS:') + 1; i > 0 && i < lines.length && lines[i]!.startsWith('   '); i++) {
    const m = /^ {3}(\S+(?:, \S+)?)\s{2,}(.+)$/.exec(lines[i]!);
    if (m) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

describe('every binary explains itself', () => {
  for (const name of Object.keys(PROGRAMS)) {
    test(`${name} --help and --version exit 0 with output on stdout`, async () => {
      const help = await runCommand(bin(name), ['--help'], { input: null });
      expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(new RegExp(`\\b${name}\\b`));
      const version = await runCommand(bin(name), ['--version'], { input: null });
      expect({ code: version.code, stderr: version.stderr }).toEqual({ code: 0, stderr: '' });
      expect(version.stdout).toMatch(/\d+\.\d+\.\d+/);
    });
  }

  test('runc-ts --help has runc --help\'s sections and describes every command, as runc does', async () => {
    const [ours, theirs] = await Promise.all([runCommand(bin('runc-ts'), ['--help'], { input: null }), runCommand('runc', ['--help'], { input: null })]);
    expect([ours.code, theirs.code]).toEqual([0, 0]);
    expect(headings(ours.stdout)).toEqual(headings(theirs.stdout));
    const ourRows = commandRows(ours.stdout);
    const theirRows = commandRows(theirs.stdout);
    expect(ourRows.size).toBeGreaterThan(10);
    for (const [command, description] of ourRows) {
      expect(theirRows.has(command)).toBe(true); // no command runc lacks
      expect(description.length).toBeGreaterThan(5);
    }
  });

  test('runc-ts --version has the lines runc --version starts with', async () => {
    const ours = await runCommand(bin('runc-ts'), ['--version'], { input: null });
    const theirs = await runCommand('runc', ['--version'], { input: null });
    const shape = (out: string) => out.split('\n').filter((l) => /^(\S+ version |spec: )/.test(l)).map((l) => l.replace(/^\S+ version .*/, 'version').replace(/^spec: .*/, 'spec'));
    expect(shape(ours.stdout)).toEqual(shape(theirs.stdout));
  });

  test('--version has the shape of the reference tool\'s (ctr, containerd, docker)', async () => {
    const shapes: Array<[string, string, string[], RegExp]> = [
      ['ctr-ts', '/usr/bin/ctr', ['--version'], /^\S+ \S+ \S+\n$/],
      ['containerd-ts', '/usr/bin/containerd', ['--version'], /^\S+ \S+ \S+ \S+\n$/],
      ['engine', '/usr/bin/docker', ['--version'], /^\S+ version [^,\s]+, \S+ \S+\n$/],
    ];
    for (const [ours, reference, args, shape] of shapes) {
      const [a, b] = await Promise.all([runCommand(bin(ours), args, { input: null }), runCommand(reference, args, { input: null })]);
      expect({ ours, out: shape.test(a.stdout) }).toEqual({ ours, out: true });
      expect({ reference, out: shape.test(b.stdout) }).toEqual({ reference, out: true });
    }
  });

  test('runc-ts help <command> and <command> --help print that command\'s help', async () => {
    for (const args of [['help', 'kill'], ['kill', '--help']]) {
      const r = await runCommand(bin('runc-ts'), args, { input: null });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('runc-ts kill - kill sends the specified signal');
    }
  });

  test('engined accepts every flag its --help lists', async () => {
    const help = (await runCommand(bin('engined'), ['--help'], { input: null })).stdout;
    const flags = [...help.matchAll(/^\s+(?:-\w, )?(--[\w-]+)( \w+)?/gm)].map((m) => ({ flag: m[1]!, takesValue: m[2] !== undefined })).filter((f) => f.flag !== '--help' && f.flag !== '--version');
    expect(flags.length).toBeGreaterThan(10);
    // A config file with an unknown key stops engined right after its flags parse, so a flag it
    // accepts ends in that error and one it lacks in "Unknown option".
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engined-help-'));
    try {
      const config = path.join(dir, 'daemon.json');
      fs.writeFileSync(config, '{"no-such-key": 1}');
      for (const { flag, takesValue } of flags) {
        const args = flag === '--config-file' ? [flag, config] : ['--config-file', config, flag, ...(takesValue ? ['x'] : [])];
        const r = await runCommand(bin('engined'), args, { input: null });
        expect({ flag, code: r.code, error: r.stderr.includes("the following directives don't match any configuration option: no-such-key") }).toEqual({ flag, code: 1, error: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('shim-ts refuses an unknown command with its usage, exit 1', async () => {
    const r = await runCommand(bin('shim-ts'), ['frobnicate'], { input: null });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('shim-ts: unknown command "frobnicate"');
  });
});
