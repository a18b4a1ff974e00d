// ctr stops reading options at a command's positionals: in `ctr run IMAGE ID sh -c 'echo hi'` the
// `-c` belongs to the container. yargs would take it as an option, so the container's command
// line is cut off argv before yargs parses the rest.
interface TailCommand {
  /** Command words, each with its aliases. */
  path: string[][];
  /** Positionals before the container's command (IMAGE ID, or CONTAINER). */
  positionals: number;
}

const COMMANDS: TailCommand[] = [
  { path: [['run']], positionals: 2 },
  { path: [['containers', 'container', 'c'], ['create']], positionals: 2 },
  { path: [['tasks', 'task', 't'], ['exec']], positionals: 1 },
];

/** Options (global or of these commands) that take a value in the next word. */
const VALUE_OPTIONS = new Set([
  '--address', '-a', '--namespace', '-n', '--format',
  '--env', '--cwd', '--user', '-u', '--mount', '--memory-limit', '--cpus', '--log-uri', '--runc-binary', '--snapshotter', '--label',
  '--cap-add', '--cap-drop', '--device', '--annotation', '--with-ns', '--env-file', '--pid-file',
  '--exec-id',
]);

const isOption = (w: string) => w.startsWith('-') && w !== '-';
const takesValue = (w: string) => VALUE_OPTIONS.has(w) && !w.includes('=');

let tail: string[] = [];

/** Splits argv into what yargs parses and the container's command line (kept for commandTail()). */
export function splitCommandTail(argv: readonly string[]): string[] {
  let i = 0;
  // global options before the command
  while (i < argv.length && isOption(argv[i] as string)) i += takesValue(argv[i] as string) ? 2 : 1;
  const cmd = COMMANDS.find((c) => c.path.every((names, k) => names.includes(argv[i + k] ?? '')));
  if (!cmd) return [...argv];
  let seen = 0;
  for (let j = i + cmd.path.length; j < argv.length; j++) {
    const w = argv[j] as string;
    if (w === '--') {
      tail = argv.slice(j + 1);
      return argv.slice(0, j);
    }
    if (isOption(w)) {
      if (takesValue(w)) j++;
      continue;
    }
    if (++seen === cmd.positionals) {
      // `IMAGE ID -- CMD…` is accepted too
      tail = argv.slice(argv[j + 1] === '--' ? j + 2 : j + 1);
      return argv.slice(0, j + 1);
    }
  }
  return [...argv];
}

/** The container's command line given after the positionals (empty when there was none). */
export function commandTail(): string[] {
  return tail;
}
