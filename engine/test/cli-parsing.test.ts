// Pure logic of the engine CLI, no daemons: Go template semantics of --format, docker's usage errors,
// unknown flags before the image, parallel verbs keeping their order.
import { executeTemplate, goFloat, sprintf } from '../src/cli/format/template-exec.js';
import { parseTemplate } from '../src/cli/format/template-parse.js';
import { printFormatted, renderTemplate, tabulate } from '../src/cli/format/template.js';
import { commandWords, usageFailure } from '../src/cli/usage-errors.js';
import { recordFlags, unknownFlag } from '../src/cli/argv-split.js';
import { inParallel } from '../src/cli/commands/simple-verbs.js';
import { run } from '../src/cli/commands/run.js';
import { exec } from '../src/cli/commands/exec.js';

const inspected = {
  Name: '/web',
  State: { Running: true, Pid: 4321, ExitCode: 0 },
  HostConfig: { Memory: 1073741824, Links: null },
  Config: { Env: ['A=1', 'B=2'], Labels: { k: 'v', 'com.x': 'y' }, Cmd: ['sh', '-c', 'x'], Entrypoint: null },
  Mounts: [],
};

describe('Go templates on inspect data (maps)', () => {
  const t = (tpl: string) => renderTemplate(tpl, inspected);
  test('fields, missing keys and nil', () => {
    expect(t('{{.Name}} {{.State.Pid}}')).toBe('/web 4321');
    expect(t('{{.Config.Entrypoint}} {{index .Config.Labels "none"}}')).toBe('<no value> <no value>');
    expect(() => t('{{.Nope}}')).toThrow('template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope"');
    expect(() => t('{{.Name}}\n {{.Config.Nope}}')).toThrow('template: :2:3: executing "" at <.Config.Nope>: map has no entry for key "Nope"');
    expect(t('{{.Config.Labels}} {{.Config.Cmd}}')).toBe('map[com.x:y k:v] [sh -c x]');
    expect(t('{{.State}}')).toBe('{true 4321 0}');
    expect(() => t('{{.Config.Entrypoint.Deeper}}')).toThrow(/nil pointer evaluating interface \{\}\.Deeper/);
  });
  test('numbers: integers as docker typed structs print them, other float64s as Go does', () => {
    expect(t('{{.HostConfig.Memory}}')).toBe('1073741824');
    expect(goFloat(123456)).toBe('123456');
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(0.5)).toBe('0.5');
    expect(goFloat(0.00001)).toBe('1e-05');
  });
  test('range, if/else if/else, with, variables', () => {
    expect(t('{{range .Config.Env}}{{.}},{{end}}')).toBe('A=1,B=2,');
    expect(t('{{range $i, $e := .Config.Env}}{{$i}}:{{$e}} {{end}}')).toBe('0:A=1 1:B=2 ');
    expect(t('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}')).toBe('com.x=y;k=v;');
    expect(t('{{range .Mounts}}m{{else}}none{{end}}')).toBe('none');
    expect(t('{{if .State.Running}}up{{else}}down{{end}}')).toBe('up');
    expect(t('{{if not .State.Running}}a{{else if .Name}}b{{else}}c{{end}}')).toBe('b');
    expect(t('{{with .Config}}{{len .Env}}{{end}}{{with .Config.Entrypoint}}x{{else}}y{{end}}')).toBe('2y');
    expect(t('{{$n := .Name}}{{range .Config.Env}}{{$n}}{{end}}')).toBe('/web/web');
    expect(t('{{$x := 1}}{{$x = 2}}{{$x}} {{$.Name}}')).toBe('2 /web');
  });
  test('functions: index, len, printf, json, join, split, lower, upper, title, comparisons, pipelines', () => {
    expect(t('{{index .Config.Labels "com.x"}} {{index .Config.Cmd 1}} {{index .Config.Labels "none"}}')).toBe('y -c <no value>');
    expect(t('{{len .Config.Env}} {{len .Name}} {{.Config.Cmd | len}}')).toBe('2 4 3');
    expect(t('{{printf "%s-%d|%5s|%-4d|%q|%v" .Name 3 "x" 7 "q" .Config.Cmd}}')).toBe('/web-3|    x|7   |"q"|[sh -c x]');
    expect(t('{{json .Config.Cmd}} {{json .Config.Labels}} {{json .Config.Entrypoint}}')).toBe('["sh","-c","x"] {"k":"v","com.x":"y"} null');
    expect(t('{{join .Config.Cmd "+"}} {{split "a,b" ","}} {{lower "AbC"}} {{upper .Name}} {{title "hello world"}}')).toBe('sh+-c+x [a b] abc /WEB Hello World');
    expect(t('{{eq .Name "/x" "/web"}} {{ne 1 2}} {{lt 1 2}} {{ge "b" "a"}} {{and 1 0}} {{or 0 "z"}}')).toBe('true true true true 0 z');
    expect(t('{{(index .Config.Cmd 0) | upper}} {{.Name | printf "<%s>"}}')).toBe('SH </web>');
    expect(t('{{pad "x" 1 2}}|{{truncate "abcdef" 3}}|{{println "a" 1}}')).toBe(' x  |abc|a 1\n');
  });
  test('trim markers, comments, quoted braces', () => {
    expect(t('{{- .Name -}}  \n  {{ .Name }}')).toBe('/web/web');
    expect(t('a{{/* note */}}b {{"}}"}}')).toBe('ab }}');
  });
  test('broken templates are errors, never printed as they are', () => {
    for (const bad of ['{{.Name', '{{if .Name}}x', '{{end}}', '{{nosuchfunc .Name}}', '{{range}}{{end}}', '{{.Name}}{{else}}', '{{template "x"}}']) {
      expect(() => t(bad)).toThrow(/template/);
    }
    expect(() => parseTemplate('{{"unterminated}}')).toThrow(/unterminated quoted string/);
  });
});

describe('Go templates on list rows (structs)', () => {
  const row = { ID: 'abc', Names: 'web', Size: '0B', Label: (k: unknown) => ({ tier: 'db' })[String(k)] ?? '' };
  test('methods take arguments; unknown fields are errors', () => {
    expect(executeTemplate('{{.ID}} {{.Label "tier"}} {{.Label "x"}}|', row, { struct: true })).toBe('abc db |');
    expect(() => executeTemplate('{{.Bogus}}', row, { struct: true })).toThrow(/can't evaluate field Bogus/);
  });
  test('table: headers through the header functions, tabwriter columns', () => {
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      printFormatted([row, { ...row, ID: 'defghijk', Names: 'x' }], 'table {{.ID}}\\t{{upper .Names}}\\t{{.Label "tier"}}', '', { ID: 'CONTAINER ID', Names: 'NAMES' });
      printFormatted([row], '{{.ID}}:{{.Names}}', '', {});
    } finally {
      write.mockRestore();
    }
    expect(out.join('')).toBe('CONTAINER ID   NAMES     LABEL\nabc            WEB       db\ndefghijk       X         db\nabc:web\n');
  });
  test('tabwriter: minimum width 10, padding 3, the last cell as it is', () => {
    expect(tabulate([['A', 'BB'], ['ccc', 'd']])).toBe('A         BB\nccc       d');
    expect(tabulate([['PID', 'CMD'], ['1', 'sh']], 20)).toBe(`${'PID'.padEnd(20)}CMD\n${'1'.padEnd(20)}sh`);
    expect(tabulate([['NAME', ''], ['longer-than-ten', 'x']])).toBe('NAME              \nlonger-than-ten   x');
  });
  test('sprintf verbs', () => {
    expect(sprintf('%05d %x %t %.2f %s %%', [42, 255, true, 1.5, 'z'])).toBe('00042 ff true 1.50 z %');
    expect(sprintf('%d', ['s'])).toBe('%!d(string=s)');
    expect(sprintf('%s', [])).toBe('%!s(MISSING)');
  });
});

describe('usage errors as docker words them', () => {
  const known = new Set(['run', 'ps', 'stop', 'volume', 'volume ls', 'image', 'image ls']);
  test('command words, with management sub-commands', () => {
    expect(commandWords(['-H', 'unix:///x', 'image', 'ls', '-q'])).toEqual(['image', 'ls']);
    expect(commandWords(['run', 'busybox'])).toEqual(['run']);
    expect(commandWords(['volume', '--help'])).toEqual(['volume']);
  });
  test('unknown flags: 125 and the help hint', () => {
    expect(usageFailure('Unknown argument: bogus', ['run', '--rm', '--bogus', 'busybox', 'true'], known)).toEqual({ text: "unknown flag: --bogus\nSee 'engine run --help'.\n", code: 125 });
    expect(usageFailure('Unknown argument: z', ['ps', '-az'], known)).toEqual({ text: "unknown shorthand flag: 'z' in -az\nSee 'engine ps --help'.\n", code: 125 });
    expect(usageFailure('Unknown arguments: bogus-x, bogusX', ['image', 'ls', '--bogus-x=1'], known)).toEqual({ text: "unknown flag: --bogus-x\nSee 'engine image ls --help'.\n", code: 125 });
  });
  test('arguments and commands: 1', () => {
    expect(usageFailure('Unknown command: foo', ['ps', 'foo'], known)).toEqual({ text: `"engine ps" accepts no arguments.\nSee 'engine ps --help'.\n`, code: 1 });
    const arities = new Map([['stop', { min: 1, max: Infinity }], ['rename', { min: 2, max: 2 }], ['port', { min: 1, max: 2 }], ['images', { min: 0, max: 1 }]]);
    expect(usageFailure('Not enough non-option arguments: got 0, need at least 1', ['stop'], known, undefined, arities)).toEqual({ text: `"engine stop" requires at least 1 argument.\nSee 'engine stop --help'.\n`, code: 1 });
    expect(usageFailure('Unknown argument: c', ['rename', 'a', 'b', 'c'], known, undefined, arities).text).toMatch(/^"engine rename" requires exactly 2 arguments\./);
    expect(usageFailure('Not enough non-option arguments: got 0, need at least 1', ['port'], known, undefined, arities).text).toMatch(/^"engine port" requires at least 1 and at most 2 arguments\./);
    expect(usageFailure('Unknown argument: b', ['images', 'a', 'b'], known, undefined, arities).text).toMatch(/^"engine images" requires at most 1 argument\./);
    expect(usageFailure('Unknown command: bogus', ['bogus'], known)).toEqual({ text: "engine: 'bogus' is not a engine command.\nSee 'engine --help'\n", code: 1 });
    expect(usageFailure('Not enough non-option arguments: got 0, need at least 1', ['volume', 'bogus'], known).text).toBe("engine: 'bogus' is not a engine volume command.\nSee 'engine volume --help'.\n");
  });
  test('an unknown flag that took the image as its value is still the error reported', () => {
    const flags = { run: recordFlags(run.builder as (y: never) => unknown), exec: recordFlags(exec.builder as (y: never) => unknown) };
    expect(flags.run.booleans.has('rm') && flags.run.values.has('e') && flags.run.values.has('publish')).toBe(true);
    expect(unknownFlag(['container', 'run', '--rm', '--bogus', 'busybox'], flags)).toBe('unknown flag: --bogus');
    expect(unknownFlag(['run', '-itz', 'busybox'], flags)).toBe("unknown shorthand flag: 'z' in -itz");
    expect(unknownFlag(['run', '-e', 'A=1', '--name=x', '-p', '80', 'busybox', '--bogus'], flags)).toBeUndefined();
    expect(unknownFlag(['exec', '-it', '--nope', 'c', 'sh'], flags)).toBe('unknown flag: --nope');
    expect(usageFailure('Not enough non-option arguments: got 0, need at least 1', ['run', '--bogus', 'busybox'], known, 'unknown flag: --bogus')).toEqual({ text: "unknown flag: --bogus\nSee 'engine run --help'.\n", code: 125 });
  });
});

test('parallel verbs: all requests in flight at once, results in the order given', async () => {
  const resolvers: Array<() => void> = [];
  const started: string[] = [];
  const calls = inParallel(['a', 'b', 'c'], (n) => {
    started.push(n);
    return new Promise<string>((r) => resolvers.push(() => r(n)));
  });
  await Promise.resolve();
  expect(started).toEqual(['a', 'b', 'c']);
  for (const r of resolvers.reverse()) r();
  expect(await Promise.all(calls)).toEqual(['a', 'b', 'c']);
  const limited: string[] = [];
  const two = inParallel(['x', 'y', 'z'], async (n) => void limited.push(n), 2);
  await Promise.all(two);
  expect(limited).toEqual(['x', 'y', 'z']);
});
