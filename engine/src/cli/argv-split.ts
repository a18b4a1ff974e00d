// `engine run IMAGE sh -c 'x'`: everything after the image (or, for exec/top, the container) belongs
// to the container's command, flags included. yargs cannot stop at that positional inside a command,
// so the CLI marks it with `--` before parsing.
const BOOLEAN_FLAGS: Record<string, Set<string>> = {
  run: new Set(['d', 'detach', 'i', 'interactive', 't', 'tty', 'rm', 'read-only', 'privileged', 'init', 'sig-proxy', 'help', 'P', 'publish-all', 'healthcheck']),
  create: new Set(['i', 'interactive', 't', 'tty', 'rm', 'read-only', 'privileged', 'init', 'help', 'P', 'publish-all', 'healthcheck']),
  exec: new Set(['d', 'detach', 'i', 'interactive', 't', 'tty', 'privileged', 'help']),
  top: new Set(['help']),
};
const GLOBAL_WITH_VALUE = new Set(['-H', '--host']);

/** A command's flags by kind: names and one-letter aliases. */
export interface FlagSet {
  booleans: Set<string>;
  values: Set<string>;
}

/**
 * The flags a yargs command builder defines, found by running it on a recorder (the builders are
 * the one list of a command's flags; argv splitting must know which flags take a value).
 */
export function recordFlags(builder: (y: never) => unknown): FlagSet {
  const set: FlagSet = { booleans: new Set(['help']), values: new Set(['host', 'H']) };
  const recorder: object = new Proxy(
    {},
    {
      get: (_t, method) => (name: unknown, o: { type?: string; alias?: string | string[] } = {}) => {
        if (method === 'option' && typeof name === 'string') {
          const names = [name, ...(o.alias === undefined ? [] : Array.isArray(o.alias) ? o.alias : [o.alias])];
          for (const n of names) (o.type === 'boolean' ? set.booleans : set.values).add(n);
        }
        return recorder;
      },
    },
  );
  builder(recorder as never);
  return set;
}

/** The command word a line runs and where it is: `engine container run` counts as `run`. */
function commandAt(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_WITH_VALUE.has(argv[i]!) ? 2 : 1;
  if (argv[i] === 'container') i++;
  return i;
}

/**
 * The first flag before the image (run/create) or container (exec/top) that the command does not
 * define, as pflag names it (`--bogus`, `'z' in -z`): yargs would report a missing image first when
 * the unknown flag took it for its value.
 */
export function unknownFlag(argv: readonly string[], flags: Readonly<Record<string, FlagSet>>): string | undefined {
  const i = commandAt(argv);
  const set = flags[argv[i] ?? ''];
  if (!set) return undefined;
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j]!;
    if (a === '--' || !a.startsWith('-') || a === '-') return undefined;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      if (set.booleans.has(name) || set.booleans.has(name.replace(/^no-/, ''))) continue;
      if (!set.values.has(name)) return `unknown flag: --${name}`;
      if (!a.includes('=')) j++;
      continue;
    }
    const letters = a.slice(1);
    for (const [k, l] of [...letters].entries()) {
      if (set.booleans.has(l)) continue;
      if (!set.values.has(l)) return `unknown shorthand flag: '${l}' in ${a}`;
      if (k === letters.length - 1) j++;
      break;
    }
  }
  return undefined;
}

export function splitCommandArgs(argv: readonly string[]): string[] {
  const i = commandAt(argv);
  const cmd = argv[i];
  const booleans = cmd === undefined ? undefined : BOOLEAN_FLAGS[cmd];
  if (!booleans) return [...argv];
  for (let j = i + 1; j < argv.length; j++) {
    const a = argv[j]!;
    if (a === '--') return [...argv];
    if (!a.startsWith('-') || a === '-') {
      // The first positional: the image (run/create) or the container (exec/top).
      return j + 1 < argv.length ? [...argv.slice(0, j + 1), '--', ...argv.slice(j + 1)] : [...argv];
    }
    if (a.includes('=')) continue;
    if (a.startsWith('--')) {
      const name = a.slice(2).replace(/^no-/, '');
      if (!booleans.has(name) && !GLOBAL_WITH_VALUE.has(a)) j++;
      continue;
    }
    const letters = a.slice(1);
    // -it, -dit: all boolean; -e X, -v X, -p X, or -itp X: the last letter takes the value.
    if (![...letters].every((l) => booleans.has(l)) && !/^\d/.test(letters)) {
      if (letters.length === 1 || [...letters.slice(0, -1)].every((l) => booleans.has(l))) j++;
    }
  }
  return [...argv];
}
