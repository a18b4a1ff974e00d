// Management commands (`engine container ls`, `engine image rm`…): a group of sub-commands, most of
// them the top-level commands under docker's sub-command names and aliases.
import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

// yargs' CommandModule is generic in its arguments; a group holds modules of many kinds.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<any, any>;

export interface CommandGroup extends CommandModule<GlobalArgs, GlobalArgs> {
  /** The sub-command names and aliases, for usage errors. */
  subcommands: string[];
  /** The sub-commands' modules (their usage strings tell usage errors how many arguments each takes). */
  modules: readonly AnyCommand[];
}

/** The names a command module answers to: its first word and its aliases. */
export function commandNames(c: AnyCommand): string[] {
  const forms = [...(Array.isArray(c.command) ? c.command : [c.command ?? '']), ...(Array.isArray(c.aliases) ? c.aliases : c.aliases ? [c.aliases] : [])];
  return forms.map((f) => String(f).split(' ')[0]!).filter(Boolean);
}

/** How many arguments a command takes, from its usage string (`rename <container> <name>`: 2 to 2; `..`: no maximum). */
export function arity(c: AnyCommand): { min: number; max: number } {
  const usage = String(Array.isArray(c.command) ? c.command[0] : c.command);
  const min = (usage.match(/</g) ?? []).length;
  return { min, max: usage.includes('..') ? Infinity : min + (usage.match(/\[/g) ?? []).length };
}

export function group(name: string, describe: string, subs: readonly AnyCommand[]): CommandGroup {
  return {
    command: `${name} <command>`,
    describe,
    builder: (y: Argv<GlobalArgs>) => {
      let g = y;
      for (const s of subs) g = g.command(s);
      return g.demandCommand(1) as Argv<GlobalArgs>;
    },
    handler: () => undefined,
    subcommands: subs.flatMap(commandNames),
    modules: subs,
  };
}

/**
 * A top-level command under another name (`ps` as `container ls`): `usage` replaces the command's
 * name in its usage line, `aliases` are docker's, `fixed` are arguments the sub-command implies
 * (`container inspect` is `inspect --type container`).
 */
export function renamed(c: AnyCommand, name: string, aliases: string[] = [], fixed: Record<string, unknown> = {}, describe = c.describe): AnyCommand {
  const usage = String(Array.isArray(c.command) ? c.command[0] : c.command);
  const rest = usage.includes(' ') ? usage.slice(usage.indexOf(' ')) : '';
  const handler = c.handler;
  return { ...c, command: `${name}${rest}`, aliases, describe, handler: (args: Record<string, unknown>) => handler({ ...args, ...fixed } as never) };
}
