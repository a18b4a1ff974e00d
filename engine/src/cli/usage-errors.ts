// Command-line mistakes reported in docker's words and with its exit codes: yargs finds the mistake,
// this module says it the way a docker user expects (`unknown flag: --bogus`, `See 'engine run
// --help'.`, 125 for a bad flag, 1 for a wrong number of arguments or an unknown command).

/** The management commands: their sub-command is part of the command's name (`engine image ls`). */
export const MANAGEMENT_COMMANDS = new Set(['container', 'image', 'volume', 'network', 'system', 'builder']);

/** Global options that take a value (they come before the command). */
const GLOBAL_WITH_VALUE = new Set(['-H', '--host']);

export interface UsageFailure {
  text: string;
  code: number;
}

/** The words naming the command a command line runs: `['run']`, `['image', 'ls']`, or `[]`. */
export function commandWords(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_WITH_VALUE.has(argv[i]!) ? 2 : 1;
  const first = argv[i];
  if (first === undefined) return [];
  const second = argv[i + 1];
  if (MANAGEMENT_COMMANDS.has(first) && second !== undefined && !second.startsWith('-')) return [first, second];
  return [first];
}

/** The flag as the user typed it, for yargs' unknown keys (`bogus`, `z`), or undefined for a positional. */
function typedFlag(argv: readonly string[], unknown: readonly string[]): string | undefined {
  const keys = new Set(unknown);
  for (const a of argv) {
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      if (keys.has(name) || keys.has(name.replace(/^no-/, ''))) return `unknown flag: --${name}`;
    } else if (a.startsWith('-') && a.length > 1) {
      // A cluster (-az): pflag names the first letter it does not know.
      for (const l of a.slice(1).split('=')[0]!) if (keys.has(l)) return `unknown shorthand flag: '${l}' in ${a}`;
    }
  }
  return undefined;
}

function plural(n: number): string {
  return n === 1 ? '1 argument' : `${n} arguments`;
}

/** Docker's text and exit code for a yargs failure message on this command line; `known` holds every command name (`run`, `image ls`). */
/** How many arguments a command takes (max Infinity: no limit). */
export interface Arity {
  min: number;
  max: number;
}

/** docker's words for a wrong number of arguments (cobra's ExactArgs, NoArgs, RequiresMinArgs, RequiresRangeArgs…). */
function argumentsWanted(a: Arity): string {
  if (a.max === 0) return 'accepts no arguments';
  if (a.min === a.max) return `requires exactly ${plural(a.min)}`;
  if (a.max === Infinity) return `requires at least ${plural(a.min)}`;
  if (a.min === 0) return `requires at most ${plural(a.max)}`;
  return `requires at least ${a.min} and at most ${plural(a.max)}`;
}

export function usageFailure(message: string, argv: readonly string[], known: ReadonlySet<string>, unknownFlag?: string, arities: ReadonlyMap<string, Arity> = new Map()): UsageFailure {
  const words = commandWords(argv);
  const name = ['engine', ...words].join(' ');
  const seeHelp = `See '${name} --help'.`;
  // An unknown flag found before yargs' own complaint (it took the image for its value).
  if (unknownFlag) return { text: `${unknownFlag}\n${seeHelp}\n`, code: 125 };
  const unknownCommand = /^Unknown commands?: (.*)$/.exec(message);
  if (words[0] !== undefined && !known.has(words[0]) && (unknownCommand || /^Did you mean/.test(message))) {
    return { text: `engine: '${words[0]}' is not a engine command.\nSee 'engine --help'\n`, code: 1 };
  }
  if (words.length === 2 && !known.has(words.join(' '))) {
    return { text: `engine: '${words[1]}' is not a engine ${words[0]} command.\nSee 'engine ${words[0]} --help'.\n`, code: 1 };
  }
  const arity = arities.get(words.join(' ')) ?? { min: 0, max: 0 };
  const wrongCount = { text: `"${name}" ${argumentsWanted(arity)}.\n${seeHelp}\n`, code: 1 };
  const unknownArgs = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknownArgs) {
    const flag = typedFlag(argv, unknownArgs[1]!.split(', '));
    return flag ? { text: `${flag}\n${seeHelp}\n`, code: 125 } : wrongCount;
  }
  // `engine ps foo`: yargs takes the extra word for a sub-command.
  if (unknownCommand) return wrongCount;
  if (/^Not enough non-option arguments/.test(message)) {
    if (words.length === 1 && MANAGEMENT_COMMANDS.has(words[0]!)) return { text: `"${name}" requires a sub-command.\n${seeHelp}\n`, code: 1 };
    return wrongCount;
  }
  if (/^Too many non-option arguments/.test(message)) return wrongCount;
  return { text: `engine: ${message.replace(/\n+$/, '')}\n${seeHelp}\n`, code: 125 };
}
