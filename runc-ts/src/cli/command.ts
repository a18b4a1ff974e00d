// The shape of one runc-ts command (one file each under commands/), parsed with node:util's
// parseArgs: runc-ts runs once per container operation, and yargs would add ~30 ms to each.
import type { ParseArgsConfig } from 'node:util';
import type { Runtime } from '../container/runtime.js';
import { validateId } from '../state/container-id.js';

export interface Globals {
  root?: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug: boolean;
  systemdCgroup: boolean;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** Flags stop at the first positional (exec: the rest is the command line). */
  stopAtCommand?: boolean;
  name: string;
  summary: string;
  /** Usage after the command name, e.g. "[command options] <container-id>". */
  usage: string;
  options: Options;
  /** Descriptions of the options, for --help. */
  help: Record<string, string>;
  run(args: Parsed, rt: Runtime, globals: Globals): number | Promise<number>;
  /** Exit status when run() throws; default 1 (runc's exec fails with 255). */
  failureCode?: number;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function oneId(cmd: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(`"${cmd}" requires exactly 1 argument (the container id), got ${positionals.length}`);
  }
  const id = positionals[0]!;
  validateId(id);
  return id;
}

export function str(v: Parsed['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function int(v: Parsed['values'][string], flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new UsageError(`invalid value ${JSON.stringify(v)} for --${flag}: not an integer`);
  return n;
}

/**
 * Splits `args` where the first positional (the container id) ends runc-ts's own flags: what
 * follows is the command to run, whose own flags (`sh -c …`) must not be parsed as ours.
 */
export function splitAtCommand(args: string[], options: Options): { own: string[]; command: string[] } {
  const withValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    withValue.add(`--${name}`);
    if (o.short) withValue.add(`-${o.short}`);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { own: args.slice(0, i), command: args.slice(i + 1) };
    if (!a.startsWith('-') || a === '-') return { own: args.slice(0, i + 1), command: args.slice(i + 1) };
    if (withValue.has(a)) i++;
  }
  return { own: args, command: [] };
}

/**
 * Joins every value-taking flag with the argument after it (`--cpu-quota -1` → `--cpu-quota=-1`):
 * runc's flag parser takes the next argument as the value whatever it looks like, where parseArgs
 * would call a value starting with '-' ambiguous. Arguments after `--` are left alone.
 */
export function joinFlagValues(args: string[], options: Options): string[] {
  const longOf = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    longOf.set(`--${name}`, name);
    if (o.short) longOf.set(`-${o.short}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return [...out, ...args.slice(i)];
    const name = longOf.get(a);
    if (name !== undefined && i + 1 < args.length) out.push(`--${name}=${args[++i]!}`);
    else out.push(a);
  }
  return out;
}
