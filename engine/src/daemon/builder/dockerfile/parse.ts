// A Dockerfile as the classic builder reads it: parser directives (`# syntax=`, `# escape=`) at the
// very top, comments, line continuations with the escape character, then one instruction per logical
// line with its `--flags`, its words, and whether it was written in JSON (exec) form. Variables are
// not expanded here: that depends on the build's state and happens as each step runs.
export class DockerfileError extends Error {
  /** `line` undefined: an error dockerd reports without one (the file as a whole is wrong). */
  constructor(
    readonly line: number | undefined,
    message: string,
  ) {
    super(line === undefined ? message : `dockerfile parse error line ${line}: ${message}`);
  }
}

export const INSTRUCTIONS = ['from', 'arg', 'env', 'label', 'run', 'cmd', 'entrypoint', 'shell', 'copy', 'add', 'workdir', 'user', 'expose', 'volume', 'stopsignal', 'healthcheck', 'onbuild', 'maintainer'] as const;
export type InstructionName = (typeof INSTRUCTIONS)[number];

export interface RawInstruction {
  name: InstructionName;
  /** The logical line as written (continuations joined), for history and cache keys. */
  original: string;
  /** First physical line. */
  line: number;
  flags: Map<string, string>;
  /** Everything after the instruction word and its flags, continuations joined. */
  rest: string;
  /** The JSON array when written in exec form. */
  json: string[] | undefined;
}

export interface Dockerfile {
  escape: string;
  syntax: string | undefined;
  instructions: RawInstruction[];
}

/** Instructions that take `--name=value` flags before their arguments, and the flags they know. */
const FLAGS: Partial<Record<InstructionName, readonly string[]>> = {
  from: ['platform'],
  copy: ['from', 'chown'],
  add: ['chown'],
  run: [],
  healthcheck: ['interval', 'timeout', 'start-period', 'retries'],
};

/** Flags BuildKit knows but this (classic) builder cannot honour: refused by name. */
const BUILDKIT_FLAGS: Record<string, string> = {
  mount: 'RUN --mount', network: 'RUN --network', security: 'RUN --security', chmod: '--chmod', link: 'COPY --link', 'keep-git-dir': 'ADD --keep-git-dir', checksum: 'ADD --checksum', parents: 'COPY --parents', exclude: '--exclude',
};

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

function parseDirectives(lines: string[]): { escape: string; syntax: string | undefined; start: number } {
  let escape = '\\';
  let syntax: string | undefined;
  const seen = new Set<string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key !== 'escape' && key !== 'syntax') break; // an unknown directive is a comment, and ends the directives
    if (seen.has(key)) throw new DockerfileError(i + 1, `only one ${key} parser directive can be used`);
    seen.add(key);
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw new DockerfileError(i + 1, `invalid ESCAPE '${m[2]}'. Must be \` or \\`);
      escape = m[2];
    } else syntax = m[2];
  }
  return { escape, syntax, start: i };
}

/** The JSON array form (`["a","b"]`), or undefined for the shell form. */
export function parseJsonForm(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(rest) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not JSON: the shell form, as the classic builder falls back
  }
  return undefined;
}

/** Leading `--name=value` words; stops at the first word that is not a flag. */
function takeFlags(name: InstructionName, rest: string, line: number): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  const known = FLAGS[name];
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    if (known === undefined) break; // instructions without flags take `--x` as an argument (e.g. CMD --help)
    const flag = m[1]!;
    const buildkit = BUILDKIT_FLAGS[flag];
    if (buildkit) throw new DockerfileError(line, `${buildkit} needs BuildKit, which this builder (the classic one) does not implement`);
    if (!known.includes(flag)) throw new DockerfileError(line, `Unknown flag: ${flag}`);
    if (m[2] === undefined) throw new DockerfileError(line, `Missing a value on flag: ${flag}`);
    if (flags.has(flag)) throw new DockerfileError(line, `Duplicate flag specified: ${flag}`);
    flags.set(flag, m[2]);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { escape, syntax, start } = parseDirectives(lines);
  const instructions: RawInstruction[] = [];
  const continues = (l: string) => {
    const t = l.replace(/\s+$/, '');
    return t.endsWith(escape) ? t.slice(0, -1) : undefined;
  };
  for (let i = start; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*#/.test(first) || first.trim() === '') continue;
    const lineNo = i + 1;
    let logical = '';
    let part: string | undefined = first;
    // Join continuations; comment and empty lines inside one are dropped, as the classic builder does.
    for (;;) {
      const cut = continues(part);
      if (cut === undefined) {
        logical += part;
        break;
      }
      logical += cut;
      i++;
      while (i < lines.length && (/^\s*#/.test(lines[i]!) || lines[i]!.trim() === '')) i++;
      if (i >= lines.length) break;
      part = lines[i]!;
    }
    const m = /^\s*(\S+)\s*(.*)$/s.exec(logical)!;
    const word = m[1]!.toLowerCase();
    if (!(INSTRUCTIONS as readonly string[]).includes(word)) throw new DockerfileError(lineNo, `unknown instruction: ${m[1]!.toUpperCase()}`);
    const name = word as InstructionName;
    const { flags, rest: afterFlags } = takeFlags(name, m[2]!.trim(), lineNo);
    const rest = afterFlags.trim();
    if (/^<<-?\s*["']?[A-Za-z_]/.test(rest) && ['run', 'copy', 'add'].includes(name)) throw new DockerfileError(lineNo, 'heredocs (<<EOF) need BuildKit, which this builder (the classic one) does not implement');
    instructions.push({ name, original: logical.trim(), line: lineNo, flags, rest, json: parseJsonForm(rest) });
  }
  return { escape, syntax, instructions };
}

/**
 * Splits at unquoted whitespace, keeping quotes and escapes in the words (they are removed when the
 * word is expanded): how ENV, LABEL and ARG find their `name=value` pairs.
 */
export function splitKeepingQuotes(s: string, escape: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      cur += ch;
      if (ch === escape && quote === '"' && i + 1 < s.length) cur += s[++i];
      else if (ch === quote) quote = undefined;
    } else if (/\s/.test(ch)) {
      if (cur) words.push(cur);
      cur = '';
    } else {
      cur += ch;
      if (ch === escape && i + 1 < s.length) cur += s[++i];
      else if (ch === '"' || ch === "'") quote = ch;
    }
  }
  if (quote) throw new Error(`unmatched ${quote === '"' ? 'double' : 'single'} quote`);
  if (cur) words.push(cur);
  return words;
}

/** ENV/LABEL arguments: `k=v k2="v 2"` pairs, or the legacy `key value with spaces` form. */
export function nameValuePairs(ins: RawInstruction, escape: string): Array<[string, string]> {
  const what = ins.name.toUpperCase();
  if (ins.rest === '') throw new DockerfileError(ins.line, `${what} requires at least one argument`);
  let words: string[];
  try {
    words = splitKeepingQuotes(ins.rest, escape);
  } catch (err) {
    throw new DockerfileError(ins.line, (err as Error).message);
  }
  if (!words[0]!.includes('=')) {
    // Legacy form: the first word is the name, the rest of the line the value.
    if (ins.name === 'label') throw new DockerfileError(ins.line, 'LABEL requires name=value pairs');
    const value = ins.rest.slice(ins.rest.indexOf(words[0]!) + words[0]!.length).trim();
    if (value === '') throw new DockerfileError(ins.line, `${what} must have two arguments`);
    return [[words[0]!, value]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i < 0) throw new DockerfileError(ins.line, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (i === 0) throw new DockerfileError(ins.line, `${what} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}
