// `engine run IMAGE sh -c 'x'`: everything after the image (or, for exec/top, the container) belongs
// to the container's command, flags included. yargs cannot stop at that positional inside a command,
// so the CLI marks it with `--` before parsing.
const BOOLEAN_FLAGS: Record<string, Set<string>> = {
  run: new Set(['d', 'detach', 'i', 'interactive', 't', 'tty', 'rm', 'read-only', 'privileged', 'init', 'sig-proxy', 'help', 'P', 'publish-all']),
  create: new Set(['i', 'interactive', 't', 'tty', 'rm', 'read-only', 'privileged', 'init', 'help', 'P', 'publish-all']),
  exec: new Set(['d', 'detach', 'i', 'interactive', 't', 'tty', 'privileged', 'help']),
  top: new Set(['help']),
};
const GLOBAL_WITH_VALUE = new Set(['-H', '--host']);

export function splitCommandArgs(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_WITH_VALUE.has(argv[i]!) ? 2 : 1;
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
