// Each raw instruction checked and turned into a typed command (arguments still unexpanded), and the
// file split into build stages, so a malformed Dockerfile is refused before its first step runs.
import { DockerfileError, nameValuePairs, parseDockerfile, splitKeepingQuotes, type RawInstruction } from './parse.js';

export type CommandForm = { json: string[] } | { shell: string };

export type Command =
  | { kind: 'from'; image: string; stageName: string | undefined; platform: string | undefined }
  | { kind: 'arg'; args: Array<{ name: string; value: string | undefined }> }
  | { kind: 'env' | 'label'; pairs: Array<[string, string]> }
  | { kind: 'run' | 'cmd' | 'entrypoint'; form: CommandForm }
  | { kind: 'shell'; shell: string[] }
  | { kind: 'copy' | 'add'; from: string | undefined; chown: string | undefined; sources: string[]; dest: string; json: boolean }
  | { kind: 'workdir' | 'user' | 'stopsignal' | 'maintainer'; value: string }
  | { kind: 'expose' | 'volume'; values: string[] }
  | { kind: 'healthcheck'; test: string[] | null; interval?: string; timeout?: string; startPeriod?: string; retries?: string }
  | { kind: 'onbuild'; expression: string };

export interface Step {
  raw: RawInstruction;
  command: Command;
}

export interface Stage {
  index: number;
  name: string | undefined;
  from: Step & { command: { kind: 'from' } };
  steps: Step[];
}

export interface BuildPlan {
  escape: string;
  /** ARGs before the first FROM: usable in FROM lines, and re-declared inside stages to be used there. */
  metaArgs: Step[];
  stages: Stage[];
}

function form(raw: RawInstruction): CommandForm {
  if (raw.json) return { json: raw.json };
  if (raw.rest === '') throw new DockerfileError(raw.line, `${raw.name.toUpperCase()} requires at least one argument`);
  return { shell: raw.rest };
}

function words(raw: RawInstruction): string[] {
  return raw.json ?? raw.rest.split(/[ \t\r\n]+/).filter(Boolean);
}

const ONBUILD_FORBIDDEN = ['onbuild', 'from', 'maintainer'];

export function toCommand(raw: RawInstruction, escape: string): Command {
  const fail = (m: string): never => {
    throw new DockerfileError(raw.line, m);
  };
  const N = raw.name.toUpperCase();
  const one = (): string => {
    const w = words(raw);
    if (w.length !== 1) fail(`${N} requires exactly one argument`);
    return w[0]!;
  };
  switch (raw.name) {
    case 'from': {
      const w = raw.rest.split(/\s+/).filter(Boolean);
      if (w.length === 3 && w[1]!.toLowerCase() === 'as') {
        if (!/^[a-z][a-z0-9-_.]*$/i.test(w[2]!)) fail(`invalid name for build stage: "${w[2]}", name can't start with a number or contain symbols`);
      } else if (w.length !== 1) fail('FROM requires either one or three arguments');
      return { kind: 'from', image: w[0]!, stageName: w[2]?.toLowerCase(), platform: raw.flags.get('platform') };
    }
    case 'arg': {
      if (raw.rest === '') fail('ARG requires exactly one argument');
      const args = splitKeepingQuotes(raw.rest, escape).map((w) => {
        const i = w.indexOf('=');
        const name = i < 0 ? w : w.slice(0, i);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`invalid ARG name: ${JSON.stringify(name)}`);
        return { name, value: i < 0 ? undefined : w.slice(i + 1) };
      });
      return { kind: 'arg', args };
    }
    case 'env':
    case 'label':
      return { kind: raw.name, pairs: nameValuePairs(raw, escape) };
    case 'run':
    case 'cmd':
    case 'entrypoint':
      return { kind: raw.name, form: form(raw) };
    case 'shell':
      if (!raw.json) fail('SHELL requires the arguments to be in JSON form');
      if (raw.json!.length === 0) fail('SHELL requires at least one argument');
      return { kind: 'shell', shell: raw.json! };
    case 'copy':
    case 'add': {
      const w = words(raw);
      if (w.length < 2) fail(`${N} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      const from = raw.flags.get('from');
      if (from === '') fail('--from must not be empty');
      return { kind: raw.name, from, chown: raw.flags.get('chown'), sources: w.slice(0, -1), dest: w.at(-1)!, json: raw.json !== undefined };
    }
    case 'workdir':
    case 'user':
    case 'stopsignal':
      return { kind: raw.name, value: raw.name === 'workdir' && !raw.json ? (raw.rest || fail('WORKDIR requires exactly one argument')) : one() };
    case 'maintainer':
      if (raw.rest === '') fail('MAINTAINER requires exactly one argument');
      return { kind: 'maintainer', value: raw.rest };
    case 'expose':
      if (raw.rest === '') fail('EXPOSE requires at least one argument');
      return { kind: 'expose', values: raw.rest.split(/\s+/) };
    case 'volume': {
      const v = words(raw);
      if (v.length === 0) fail('VOLUME requires at least one argument');
      if (v.some((x) => x.trim() === '')) fail('VOLUME specified can not be an empty string');
      return { kind: 'volume', values: v };
    }
    case 'healthcheck': {
      const m = /^(\S+)\s*(.*)$/s.exec(raw.rest);
      const type = m?.[1]?.toUpperCase();
      if (type === 'NONE') {
        if (m![2] !== '' || raw.flags.size) fail('HEALTHCHECK NONE takes no arguments');
        return { kind: 'healthcheck', test: null };
      }
      if (type !== 'CMD') fail(`Unknown type "${m?.[1] ?? ''}" in HEALTHCHECK (try CMD)`);
      const cmd = m![2]!.trim();
      const json = cmd.startsWith('[') ? (() => {
        try {
          const v = JSON.parse(cmd) as unknown;
          return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
        } catch {
          return undefined;
        }
      })() : undefined;
      if (!json && cmd === '') fail('Missing command after HEALTHCHECK CMD');
      const f = raw.flags;
      return {
        kind: 'healthcheck',
        test: json ? ['CMD', ...json] : ['CMD-SHELL', cmd],
        ...(f.has('interval') ? { interval: f.get('interval')! } : {}),
        ...(f.has('timeout') ? { timeout: f.get('timeout')! } : {}),
        ...(f.has('start-period') ? { startPeriod: f.get('start-period')! } : {}),
        ...(f.has('retries') ? { retries: f.get('retries')! } : {}),
      };
    }
    case 'onbuild': {
      const inner = /^(\S+)/.exec(raw.rest)?.[1]?.toLowerCase();
      if (!inner) fail('ONBUILD requires at least one argument');
      if (ONBUILD_FORBIDDEN.includes(inner!)) fail(inner === 'onbuild' ? 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed' : `${inner!.toUpperCase()} isn't allowed as an ONBUILD trigger`);
      // The trigger must itself be a valid instruction.
      const nested = parseDockerfile(raw.rest).instructions[0];
      if (nested) toCommand({ ...nested, line: raw.line }, escape);
      return { kind: 'onbuild', expression: raw.rest };
    }
  }
}

export function planBuild(text: string): BuildPlan {
  const df = parseDockerfile(text);
  const metaArgs: Step[] = [];
  const stages: Stage[] = [];
  for (const raw of df.instructions) {
    const command = toCommand(raw, df.escape);
    if (command.kind === 'from') {
      stages.push({ index: stages.length, name: command.stageName, from: { raw, command }, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (command.kind !== 'arg') throw new DockerfileError(undefined, 'no build stage in current context');
      metaArgs.push({ raw, command });
    } else stage.steps.push({ raw, command });
  }
  if (stages.length === 0) throw new Error('file with no instructions');
  // A stage name used twice is found as the build reaches it, as dockerd does (builder.ts).
  return { escape: df.escape, metaArgs, stages };
}
