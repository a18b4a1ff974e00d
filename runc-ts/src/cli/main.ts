// runc-ts: an OCI runtime with runc's command line. Global flags come before the command, as in runc.
import { parseArgs } from 'node:util';
import { createLogger } from '../container/logger.js';
import { runtime } from '../container/runtime.js';
import { type Command, type Globals, joinFlagValues, type Parsed, splitAtCommand, UsageError } from './command.js';

const VERSION = '0.1.0';
const SPEC_VERSION = '1.1.0';

// Loaded on demand: each invocation pays only for the command it runs (the startup snapshot loads
// them all at build time instead: loadAllCommands).
const COMMANDS: Record<string, () => Command> = {
  create: () => (require('./commands/create.js') as typeof import('./commands/create.js')).command,
  start: () => (require('./commands/start.js') as typeof import('./commands/start.js')).command,
  run: () => (require('./commands/run.js') as typeof import('./commands/run.js')).command,
  state: () => (require('./commands/state.js') as typeof import('./commands/state.js')).command,
  kill: () => (require('./commands/kill.js') as typeof import('./commands/kill.js')).command,
  delete: () => (require('./commands/delete.js') as typeof import('./commands/delete.js')).command,
  list: () => (require('./commands/list.js') as typeof import('./commands/list.js')).command,
  spec: () => (require('./commands/spec.js') as typeof import('./commands/spec.js')).command,
  features: () => (require('./commands/features.js') as typeof import('./commands/features.js')).command,
  exec: () => (require('./commands/exec.js') as typeof import('./commands/exec.js')).command,
  ps: () => (require('./commands/ps.js') as typeof import('./commands/ps.js')).command,
  pause: () => (require('./commands/pause.js') as typeof import('./commands/pause.js')).command,
  resume: () => (require('./commands/resume.js') as typeof import('./commands/resume.js')).command,
  update: () => (require('./commands/update.js') as typeof import('./commands/update.js')).command,
  events: () => (require('./commands/events.js') as typeof import('./commands/events.js')).command,
};

/** Loads every command's modules now (for the startup snapshot, so no call compiles them). */
export function loadAllCommands(): void {
  for (const load of Object.values(COMMANDS)) load();
}

/** runc's --help layout; describing each command loads them all, which only help pays for. */
function globalHelp(): string {
  const commands = Object.values(COMMANDS).map((load) => load());
  const width = Math.max(...commands.map((c) => c.name.length), 'help, h'.length) + 2;
  return `NAME:
   runc-ts - an OCI runtime with runc's command line

USAGE:
   runc-ts [global options] command [command options] [arguments...]

VERSION:
   ${VERSION}
spec: ${SPEC_VERSION}

COMMANDS:
${commands.map((c) => `   ${c.name.padEnd(width)}${c.summary}`).join('\n')}
   ${'help, h'.padEnd(width)}Shows a list of commands or help for one command

GLOBAL OPTIONS:
   --debug               enable debug logging
   --log value           set the log file to write runc-ts logs to (default is '/dev/stderr')
   --log-format value    set the log format ('text' (default), or 'json')
   --root value          root directory for storage of container state (default: "/run/runc-ts")
   --systemd-cgroup      enable systemd cgroup support (not supported)
   --help, -h            show help
   --version, -v         print the version
`;
}

function commandHelp(cmd: Command): string {
  const opts = Object.entries(cmd.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' value' : ''}`;
    return `   ${flag.padEnd(28)} ${cmd.help[name] ?? ''}`;
  });
  return `NAME:\n   runc-ts ${cmd.name} - ${cmd.summary}\n\nUSAGE:\n   runc-ts ${cmd.name} ${cmd.usage}\n${opts.length ? `\nOPTIONS:\n${opts.join('\n')}\n` : ''}`;
}

function parseGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = { logFormat: 'text', debug: false, systemdCgroup: false };
  let i = 0;
  const value = (flag: string) => {
    const eq = argv[i]!.indexOf('=');
    if (eq >= 0) return argv[i]!.slice(eq + 1);
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
    return v;
  };
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const a = argv[i]!;
    const name = a.replace(/^--?/, '').split('=')[0]!;
    switch (name) {
      case 'root':
        globals.root = value('--root');
        break;
      case 'log':
        globals.log = value('--log');
        break;
      case 'log-format': {
        const f = value('--log-format');
        if (f !== 'text' && f !== 'json') throw new UsageError(`invalid log format ${JSON.stringify(f)}: must be text or json`);
        globals.logFormat = f;
        break;
      }
      case 'debug':
        globals.debug = true;
        break;
      case 'systemd-cgroup':
        globals.systemdCgroup = true;
        break;
      case 'rootless':
      case 'criu':
        if (!a.includes('=')) i++; // accepted and ignored, as their values
        break;
      case 'help':
      case 'h':
        return { globals, rest: ['help'] };
      case 'version':
      case 'v':
        return { globals, rest: ['version'] };
      default:
        throw new UsageError(`flag provided but not defined: ${a}`);
    }
  }
  return { globals, rest: argv.slice(i) };
}

export async function main(argv: string[]): Promise<number> {
  let globals: Globals = { logFormat: 'text', debug: false, systemdCgroup: false };
  let log = createLogger();
  let failureCode = 1;
  try {
    const parsed = parseGlobals(argv);
    globals = parsed.globals;
    log = createLogger({ ...(globals.log ? { file: globals.log } : {}), format: globals.logFormat, debug: globals.debug });
    const [name, ...args] = parsed.rest;
    if (name === undefined || name === 'help' || name === 'h') {
      const sub = name === undefined ? undefined : args[0];
      const load = sub ? COMMANDS[sub] : undefined;
      process.stdout.write(load ? commandHelp(load()) : globalHelp());
      return 0;
    }
    if (name === 'version') {
      process.stdout.write(`runc-ts version ${VERSION}\nspec: ${SPEC_VERSION}\n`);
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`No help topic for '${name}'`);
    const cmd = load();
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(commandHelp(cmd));
      return 0;
    }
    if (globals.systemdCgroup) throw new Error('--systemd-cgroup is not supported by runc-ts: use cgroupsPath as a path (cgroupfs driver)');
    let values, positionals;
    const { own, command } = cmd.stopAtCommand ? splitAtCommand(args, cmd.options) : { own: args, command: [] };
    try {
      ({ values, positionals } = parseArgs({ args: joinFlagValues(own, cmd.options), options: cmd.options, allowPositionals: true, strict: true }));
    } catch (err) {
      throw new UsageError(`${cmd.name}: ${(err as Error).message}`);
    }
    positionals.push(...command);
    const rt = runtime({ ...(globals.root ? { root: globals.root } : {}), log });
    failureCode = cmd.failureCode ?? 1;
    return await cmd.run({ values: values as Parsed['values'], positionals }, rt, globals);
  } catch (err) {
    log.error(err instanceof Error ? err.message : String(err));
    if (globals.debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return failureCode;
  }
}

/** Runs the command line and exits with its status once stdout is flushed. */
export function runAndExit(argv: string[]): void {
  main(argv).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (err: unknown) => {
      process.stderr.write(`runc-ts: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
