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
export function usageFailure(message: string, argv: readonly string[], known: ReadonlySet<string>, unknownFlag?: string): UsageFailure {
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
  const unknownArgs = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknownArgs) {
    const flag = typedFlag(argv, unknownArgs[1]!.split(', '));
    if (flag) return { text: `${flag}\n${seeHelp}\n`, code: 125 };
    return { text: `"${name}" accepts no arguments.\n${seeHelp}\n`, code: 1 };
  }
  // `engine ps foo`: yargs takes the extra word for a sub-command.
  if (unknownCommand) return { text: `"${name}" accepts no arguments.\n${seeHelp}\n`, code: 1 };
  const tooFew = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(message);
  if (tooFew) {
    if (words.length === 1 && MANAGEMENT_COMMANDS.has(words[0]!)) return { text: `"${name}" requires a sub-command.\n${seeHelp}\n`, code: 1 };
    return { text: `"${name}" requires at least ${plural(Number(tooFew[2]))}.\n${seeHelp}\n`, code: 1 };
  }
  const tooMany = /^Too many non-option arguments: got (\d+), maximum of (\d+)$/.exec(message);
  if (tooMany) {
    const max = Number(tooMany[2]);
    return { text: max === 0 ? `"${name}" accepts no arguments.\n${seeHelp}\n` : `"${name}" requires at most ${plural(max)}.\n${seeHelp}\n`, code: 1 };
  }
  return { text: `engine: ${message.replace(/\n+$/, '')}\n${seeHelp}\n`, code: 125 };
}
