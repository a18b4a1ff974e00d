// The builder's pure logic, no daemons: the Dockerfile parser (directives, continuations, comments,
// forms, flags), stage planning, variable expansion, .dockerignore and COPY globs, and the history
// text the classic builder writes.
import { DockerIgnore } from '../src/common/dockerignore.js';
import { globMatch } from '../src/daemon/builder/copy-files.js';
import { planBuild, toCommand } from '../src/daemon/builder/dockerfile/instructions.js';
import { nameValuePairs, parseDockerfile } from '../src/daemon/builder/dockerfile/parse.js';
import { expandWord, expandWords } from '../src/daemon/builder/dockerfile/shell-words.js';
import { goDurationString, goQuoteList, healthcheckComment, runCreatedBy } from '../src/daemon/builder/history-text.js';

const env = new Map([
  ['A', 'a'],
  ['EMPTY', ''],
  ['SP', 'x y'],
]);

describe('parser', () => {
  test('continuations join lines; comments and blank lines inside them are dropped; lines are numbered from the first', () => {
    const df = parseDockerfile('FROM busybox\n# comment\nRUN echo a \\\n  # inside\n\n  && echo b\nCMD ["sh"]\n');
    expect(df.instructions.map((i) => [i.name, i.line, i.original])).toEqual([
      ['from', 1, 'FROM busybox'],
      ['run', 3, 'RUN echo a   && echo b'],
      ['cmd', 7, 'CMD ["sh"]'],
    ]);
    expect(df.instructions[2]!.json).toEqual(['sh']);
    expect(df.instructions[1]!.json).toBeUndefined();
  });

  test('parser directives: escape changes the continuation character; syntax is read; only at the top', () => {
    const df = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN echo a `\n b\n# escape=\\\n');
    expect(df.escape).toBe('`');
    expect(df.syntax).toBe('docker/dockerfile:1');
    expect(df.instructions[1]!.original).toBe('RUN echo a  b');
    // After an instruction a directive is only a comment.
    expect(parseDockerfile('FROM busybox\n# escape=`\nRUN a \\\n b').instructions[1]!.original).toBe('RUN a  b');
    expect(() => parseDockerfile('# escape=x\nFROM busybox')).toThrow('dockerfile parse error line 1: invalid ESCAPE');
    expect(() => parseDockerfile('# escape=`\n# escape=`\nFROM busybox')).toThrow('line 2: only one escape parser directive');
  });

  test('errors name the line: unknown instructions, flags, BuildKit-only syntax', () => {
    expect(() => parseDockerfile('FROM busybox\n\nFROB x')).toThrow('dockerfile parse error line 3: unknown instruction: FROB');
    expect(() => parseDockerfile('FROM busybox\nCOPY --bogus=1 a b')).toThrow('line 2: Unknown flag: bogus');
    expect(() => parseDockerfile('FROM busybox\nRUN --mount=type=cache,target=/x make')).toThrow('line 2: RUN --mount needs BuildKit');
    expect(() => parseDockerfile('FROM busybox\nCOPY --chmod=644 a b')).toThrow('line 2: --chmod needs BuildKit');
    expect(() => parseDockerfile('FROM busybox\nRUN <<EOF\necho\nEOF')).toThrow('line 2: heredocs');
    expect(() => parseDockerfile('FROM busybox\nCOPY --from a b')).toThrow('line 2: Missing a value on flag: from');
  });

  test('flags come before the arguments; CMD takes --x as an argument', () => {
    const df = parseDockerfile('FROM --platform=linux/amd64 busybox AS b\nCOPY --from=b --chown=1:2 /a /b\nCMD --help');
    expect(df.instructions[0]!.flags.get('platform')).toBe('linux/amd64');
    expect([...df.instructions[1]!.flags]).toEqual([
      ['from', 'b'],
      ['chown', '1:2'],
    ]);
    expect(df.instructions[2]!.rest).toBe('--help');
  });

  test('ENV and LABEL pairs keep quoted values together; the legacy ENV form takes the rest of the line', () => {
    const [env1, env2, label] = parseDockerfile('ENV A=1 B="two words" C=\'x y\'\nENV LEGACY some value\nLABEL "k w"=v').instructions;
    expect(nameValuePairs(env1!, '\\')).toEqual([
      ['A', '1'],
      ['B', '"two words"'],
      ['C', "'x y'"],
    ]);
    expect(nameValuePairs(env2!, '\\')).toEqual([['LEGACY', 'some value']]);
    expect(nameValuePairs(label!, '\\')).toEqual([['"k w"', 'v']]);
    expect(() => nameValuePairs(parseDockerfile('ENV A=1 B').instructions[0]!, '\\')).toThrow("can't find = in \"B\"");
  });
});

describe('instructions and stages', () => {
  test('ARG before FROM is a meta arg; stages are named and split at FROM', () => {
    const plan = planBuild('ARG V=1\nFROM busybox:${V} AS One\nRUN x\nFROM one\nCOPY --from=one /a /b\n');
    expect(plan.metaArgs).toHaveLength(1);
    expect(plan.stages.map((s) => [s.name, s.steps.length])).toEqual([
      ['one', 1],
      [undefined, 1],
    ]);
    expect(plan.stages[0]!.from.command).toEqual({ kind: 'from', image: 'busybox:${V}', stageName: 'one', platform: undefined });
  });

  test('malformed instructions are refused before anything runs', () => {
    expect(() => planBuild('RUN x\nFROM busybox')).toThrow(/^no build stage in current context$/);
    expect(() => planBuild('FROM a b')).toThrow('FROM requires either one or three arguments');
    expect(() => planBuild('FROM a\nCOPY onlyone')).toThrow('line 2: COPY requires at least two arguments');
    expect(() => planBuild('FROM a\nSHELL /bin/bash -c')).toThrow('SHELL requires the arguments to be in JSON form');
    expect(() => planBuild('FROM a\nONBUILD ONBUILD RUN x')).toThrow("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect(() => planBuild('FROM a\nONBUILD FROB x')).toThrow('unknown instruction: FROB');
    expect(() => planBuild('FROM a\nHEALTHCHECK SOMETIMES x')).toThrow('Unknown type "SOMETIMES" in HEALTHCHECK');
    expect(() => planBuild('FROM a\nWORKDIR')).toThrow('WORKDIR requires exactly one argument');
  });

  test('exec and shell forms; HEALTHCHECK and COPY take their parts', () => {
    const cmd = (line: string) => toCommand(parseDockerfile(line).instructions[0]!, '\\');
    expect(cmd('RUN ["echo", "a b"]')).toEqual({ kind: 'run', form: { json: ['echo', 'a b'] } });
    expect(cmd('RUN [not json')).toEqual({ kind: 'run', form: { shell: '[not json' } });
    expect(cmd('HEALTHCHECK --interval=5s CMD curl -f x')).toEqual({ kind: 'healthcheck', test: ['CMD-SHELL', 'curl -f x'], interval: '5s' });
    expect(cmd('HEALTHCHECK NONE')).toEqual({ kind: 'healthcheck', test: null });
    expect(cmd('COPY --chown=app a b /dest/')).toEqual({ kind: 'copy', from: undefined, chown: 'app', sources: ['a', 'b'], dest: '/dest/', json: false });
    expect(cmd('ARG A B=2')).toEqual({ kind: 'arg', args: [{ name: 'A', value: undefined }, { name: 'B', value: '2' }] });
  });
});

describe('variable expansion', () => {
  test('$VAR, ${VAR} and the modifiers', () => {
    expect(expandWord('$A-${A}-$NOPE-${NOPE}', env)).toBe('a-a--');
    expect(expandWord('${NOPE:-d} ${EMPTY:-d} ${A:-d}', env)).toBe('d d a');
    expect(expandWord('${NOPE-d} ${EMPTY-d} ${A-d}', env)).toBe('d  a');
    expect(expandWord('${NOPE:+s} ${EMPTY:+s} ${A:+s}', env)).toBe('  s');
    expect(expandWord('${NOPE+s} ${EMPTY+s} ${A+s}', env)).toBe(' s s');
    expect(expandWord('${NOPE:-${A}x}', env)).toBe('ax');
    expect(expandWord('cost: $5 and $', env)).toBe('cost:  and $');
  });

  test('quotes and escapes: single quotes literal, double quotes expand, the escape character', () => {
    expect(expandWord('\'$A\' "$A" \\$A', env)).toBe('$A a $A');
    expect(expandWord('"a \\"q\\" \\$A"', env)).toBe('a "q" $A');
    expect(expandWord('`$A', env, '`')).toBe('$A');
    expect(() => expandWord('"open', env)).toThrow('double-quote');
    expect(() => expandWord('${A:?x}', env)).toThrow('unsupported modifier (:?)');
    expect(() => expandWord('${#A}', env)).toThrow('not supported');
  });

  test('word splitting keeps quoted whitespace and splits expansions', () => {
    expect(expandWords('a "b c" $SP \'d e\'', env)).toEqual(['a', 'b c', 'x', 'y', 'd e']);
    expect(expandWords('""', env)).toEqual(['']);
  });
});

describe('.dockerignore and globs', () => {
  test('patterns, parents, ** and exceptions; the last match wins', () => {
    const ig = new DockerIgnore('# comment\n*.log\n!keep.log\n/build\ndocs/**/*.md\nsub/*/x\n');
    expect(ig.ignores('a.log')).toBe(true);
    expect(ig.ignores('keep.log')).toBe(false);
    expect(ig.ignores('dir/a.log')).toBe(false); // `*` stays within one element
    expect(ig.ignores('build')).toBe(true);
    expect(ig.ignores('build/out/file')).toBe(true); // a matched parent ignores what is under it
    expect(ig.ignores('docs/a/b/c.md')).toBe(true);
    expect(ig.ignores('docs/c.md')).toBe(true);
    expect(ig.ignores('sub/q/x')).toBe(true);
    expect(ig.ignores('sub/q/y')).toBe(false);
    expect(ig.skipsDir('build')).toBe(false); // an exception exists, so the walk must go on
    expect(new DockerIgnore('build\n').skipsDir('build')).toBe(true);
    expect(() => new DockerIgnore('!\n')).toThrow('illegal exclusion pattern');
  });

  test('COPY globs match like Go filepath.Match', () => {
    expect(globMatch('*.cfg', 'a.cfg')).toBe(true);
    expect(globMatch('*.cfg', 'd/a.cfg')).toBe(false);
    expect(globMatch('d/?.cfg', 'd/a.cfg')).toBe(true);
    expect(globMatch('[ab].txt', 'b.txt')).toBe(true);
    expect(globMatch('[^ab].txt', 'b.txt')).toBe(false);
  });
});

describe('history text', () => {
  test("Go's formats as the classic builder writes them", () => {
    expect(goQuoteList(['sh', '-c', 'echo "x"'])).toBe('["sh" "-c" "echo \\"x\\""]');
    expect(goDurationString(0)).toBe('0s');
    expect(goDurationString(5e9)).toBe('5s');
    expect(goDurationString(90e9)).toBe('1m30s');
    expect(goDurationString(3600e9)).toBe('1h0m0s');
    expect(goDurationString(1.5e6)).toBe('1.5ms');
    expect(healthcheckComment({ Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 3 })).toBe('HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" \'\\x03\'}');
    expect(runCreatedBy(['/bin/sh', '-c', 'make'], ['B=2', 'A=1'])).toBe('|2 B=2 A=1 /bin/sh -c make');
    expect(runCreatedBy(['make'], [])).toBe('make');
  });
});
