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
import { unpause } from './commands/unpause.js';
import { version } from './commands/version.js';
import { volume } from './commands/volume/index.js';
import { wait } from './commands/wait.js';
import { cp } from './commands/cp.js';
import { stats } from './commands/stats.js';
import { update } from './commands/update.js';
import { search } from './commands/search.js';
import { container } from './commands/container/index.js';
import { image } from './commands/image/index.js';
import { completer } from './completion.js';
import { completionCommand } from './commands/completion.js';
import { splitCommandArgs } from './argv-split.js';
import { completing, type GlobalArgs } from './context.js';

const COMMANDS = [run, create, start, stop, restart, kill, rm, ps, logs, exec, attach, inspect, top, wait, rename, pause, unpause, images, pull, push, tag, rmi, save, load, history, volume, network, port, login, logout, info, version, events, system, cp, stats, update, search, container, image];

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
    .strictCommands()
    .demandCommand(1, 'engine: a command is required. See engine --help.')
    .recommendCommands()
    .help('help')
    .version(false)
    .completion('__complete', false, completer as never)
    .fail((msg, err) => {
      // A half-typed command line is what completion is for: no usage errors then.
      if (completing()) return;
      if (err) throw err;
      process.stderr.write(`engine: ${msg}\nSee 'engine --help'.\n`);
      process.exit(125);
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
  await parser.wrap(Math.min(120, process.stdout.columns || 100)).parseAsync(splitCommandArgs([...argv]));
}

/** main() for an entry point: an error escaping a command is printed as one line, exit status 1. */
export function runCli(argv: readonly string[], parser?: yargs.Argv<GlobalArgs>): void {
  main(argv, parser).catch((err: unknown) => {
    process.stderr.write(`engine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
