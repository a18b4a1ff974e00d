// The shape of one runc-ts command (one file each under commands/), parsed with node:util's
// parseArgs: runc-ts runs once per container operation, and yargs would add ~30 ms to each.
import type { ParseArgsConfig } from 'node:util';
import type { Runtime } from '../container/runtime.js';

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
  name: string;
  summary: string;
  /** Usage after the command name, e.g. "[command options] <container-id>". */
  usage: string;
  options: Options;
  /** Descriptions of the options, for --help. */
  help: Record<string, string>;
  run(args: Parsed, rt: Runtime, globals: Globals): number | Promise<number>;
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
  return positionals[0]!;
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
