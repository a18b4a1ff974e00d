// engine: the user CLI, a pure client of the Engine API.
import yargs from 'yargs';
import { attach } from './commands/attach.js';
import { create } from './commands/create.js';
import { events } from './commands/events.js';
import { exec } from './commands/exec.js';
import { history } from './commands/history.js';
import { images } from './commands/images.js';
import { info } from './commands/info.js';
import { inspect } from './commands/inspect.js';
import { kill } from './commands/kill.js';
import { load } from './commands/load.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { logs } from './commands/logs.js';
import { network } from './commands/network/index.js';
import { pause } from './commands/pause.js';
import { port } from './commands/port.js';
import { ps } from './commands/ps.js';
import { pull } from './commands/pull.js';
import { push } from './commands/push.js';
import { rename } from './commands/rename.js';
import { restart } from './commands/restart.js';
import { rm } from './commands/rm.js';
import { rmi } from './commands/rmi.js';
import { run } from './commands/run.js';
import { save } from './commands/save.js';
import { start } from './commands/start.js';
import { stop } from './commands/stop.js';
import { system } from './commands/system/index.js';
import { tag } from './commands/tag.js';
import { top } from './commands/top.js';
import { diff } from './commands/diff.js';
import { commit } from './commands/commit.js';
import { exportCmd } from './commands/export.js';
import { importCmd } from './commands/import.js';
import { build } from './commands/build.js';
import { unpause } from './commands/unpause.js';
import { CLIENT, version } from './commands/version.js';
import { volume } from './commands/volume/index.js';
import { container } from './commands/container/index.js';
import { image } from './commands/image/index.js';
import { arity, commandNames } from './commands/management.js';
import { wait } from './commands/wait.js';
import { cp } from './commands/cp.js';
import { stats } from './commands/stats.js';
import { update } from './commands/update.js';
import { search } from './commands/search.js';
import { completer } from './completion.js';
import { completionCommand } from './commands/completion.js';
import { recordFlags, splitCommandArgs, unknownFlag, type FlagSet } from './argv-split.js';
import { completing, errorText, type GlobalArgs } from './context.js';
import { usageFailure, type Arity } from './usage-errors.js';

const COMMANDS = [run, create, start, stop, restart, kill, rm, ps, logs, exec, attach, inspect, top, diff, commit, exportCmd, importCmd, build, wait, rename, pause, unpause, images, pull, push, tag, rmi, save, load, history, volume, network, port, login, logout, info, version, events, system, cp, stats, update, search, container, image];
/** Every command name, `run` … and `image ls` (sub-commands with their group), for usage errors. */
const KNOWN_COMMANDS = new Set(['completion', ...COMMANDS.flatMap((c) => commandNames(c).flatMap((n) => [n, ...('subcommands' in c ? c.subcommands.map((sub) => `${n} ${sub}`) : [])]))]);

/** How many arguments each command takes (docker: `requires exactly 2 arguments`, `accepts no arguments`). */
const ARITY: ReadonlyMap<string, Arity> = new Map(
  COMMANDS.flatMap((c) => [
    ...commandNames(c).map((n) => [n, arity(c)] as const),
    ...('modules' in c ? c.modules.flatMap((m) => commandNames(c).flatMap((g) => commandNames(m).map((n) => [`${g} ${n}`, arity(m)] as const))) : []),
  ]),
);

/** The flags of the commands whose unknown flags are named as docker names them (yargs would take the next argument as their value and report a missing positional instead). */
const FLAGS: Record<string, FlagSet> = Object.fromEntries([run, create, exec, top, build].map((c) => [String(c.command).split(' ')[0], recordFlags(c.builder as (y: never) => unknown)]));

/** The command line being parsed, for usage errors (set by main() at run time, never in the snapshot). */
let commandLine: readonly string[] = [];

/**
 * The parser with every command. Built once per process (by the startup snapshot at build time), so
 * nothing here may read the environment, argv or the terminal: main() does that.
 */
export function cli(): yargs.Argv<GlobalArgs> {
  let y = yargs()
    .scriptName('engine')
    .usage('Usage: engine [OPTIONS] COMMAND')
    .option('host', { alias: 'H', type: 'string', global: true, describe: 'engine socket (unix:///path or tcp://host:port); default $ENGINE_HOST or unix:///run/engine/engine.sock' })
    .parserConfiguration({ 'greedy-arrays': false, 'populate--': true })
    .strict()
    .demandCommand(1, 'engine: a command is required. See engine --help.')
    .recommendCommands()
    .help('help')
    .version(false)
    // Handled by main() before parsing: a global -v would clash with run's --volume.
    .option('version', { alias: 'v', type: 'boolean', global: false, describe: 'Print version information and quit' })
    .completion('__complete', false, completer as never)
    .fail((msg, err) => {
      // A half-typed command line is what completion is for: no usage errors then.
      if (completing()) return;
      if (err) throw err;
      const f = usageFailure(msg, commandLine, KNOWN_COMMANDS, unknownFlag(commandLine, FLAGS), ARITY);
      process.stderr.write(f.text);
      process.exit(f.code);
    });
  for (const c of COMMANDS) y = y.command(c as never);
  const withScript = y;
  y = y.command(completionCommand(() => withScript.showCompletionScript()) as never);
  skipHelpCache(y);
  return y as unknown as yargs.Argv<GlobalArgs>;
}

/** The parts of yargs 17's internals skipHelpCache touches. */
interface YargsInternals {
  getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the help of every command it runs, in case the handler asks for it later (~8 ms
 * of CPU per command, `run` more: it has many options); the handlers never do. Help on --help or
 * after an error is still rendered when needed. (ctr-ts's parser does the same.)
 */
function skipHelpCache(parser: unknown): void {
  const usage = (parser as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/** Parses and runs one command line (argv without node and the script) with `parser` (default: a new one). */
export async function main(argv: readonly string[], parser: yargs.Argv<GlobalArgs> = cli()): Promise<void> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`engine version ${CLIENT.Version}, API ${CLIENT.ApiVersion}\n`);
    return;
  }
  commandLine = argv;
  await parser.wrap(Math.min(120, process.stdout.columns || 100)).parseAsync(splitCommandArgs([...argv]));
}

/**
 * main() for an entry point: an error escaping a command, even from a stream callback after the
 * handler returned (a daemon that goes away mid-attach), is printed as one line, never a stack trace.
 */
export function runCli(argv: readonly string[], parser?: yargs.Argv<GlobalArgs>): void {
  const die = (err: unknown) => {
    process.stderr.write(`${errorText(err)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
  main(argv, parser).catch(die);
}
