import * as fs from 'node:fs';
import { execInContainer } from '../../container/exec.js';
import { CAPABILITIES } from '../../syscalls/constants.js';
import { convertProcess } from '../../spec/convert.js';
import type { ProcessConfig } from '../../spec/config.js';
import { type Command, int, type Parsed, str, UsageError } from '../command.js';
import type { Runtime } from '../../container/runtime.js';

function list(v: Parsed['values'][string]): string[] {
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

/** The process to exec: --process FILE, or the container's process with the inline overrides (runc's rules). */
function processOf(values: Parsed['values'], command: string[], rt: Runtime, id: string): ProcessConfig {
  const file = str(values.process);
  if (file !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`invalid process file ${file}: ${(err as Error).message}`);
    }
    return convertProcess(raw, undefined, `process file ${file}`);
  }
  if (command.length === 0) throw new UsageError('exec: a command is required (or --process FILE)');
  const base = rt.store.load(id).config.process;
  const proc: ProcessConfig = structuredClone(base);
  proc.args = command;
  proc.terminal = values.tty === true;
  delete proc.consoleSize;
  proc.env = [...base.env, ...list(values.env)];
  const cwd = str(values.cwd);
  if (cwd !== undefined) proc.cwd = cwd;
  const user = str(values.user);
  if (user !== undefined) {
    const m = /^(\d+)(?::(\d+))?$/.exec(user);
    if (!m) throw new UsageError(`invalid --user ${JSON.stringify(user)}: expected uid[:gid] as numbers`);
    proc.user.uid = Number(m[1]);
    proc.user.gid = m[2] !== undefined ? Number(m[2]) : 0;
  }
  const gids = list(values['additional-gids']);
  if (gids.length) proc.user.additionalGids = gids.map((g) => int(g, 'additional-gids')!);
  for (const c of list(values.cap)) {
    const name = c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
    if (CAPABILITIES[name] === undefined) throw new UsageError(`unknown capability ${JSON.stringify(c)}`);
    for (const set of ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const) {
      if (!proc.capabilities[set].includes(name)) proc.capabilities[set].push(name);
    }
  }
  if (values['no-new-privs'] === true) proc.noNewPrivileges = true;
  return proc;
}

export const command: Command = {
  name: 'exec',
  summary: 'execute new process inside the container',
  usage: '[command options] <container-id> <command> [command options]  ||  --process FILE <container-id>',
  stopAtCommand: true,
  failureCode: 255,
  options: {
    'console-socket': { type: 'string' },
    cwd: { type: 'string' },
    env: { type: 'string', short: 'e', multiple: true },
    tty: { type: 'boolean', short: 't' },
    user: { type: 'string', short: 'u' },
    'additional-gids': { type: 'string', short: 'g', multiple: true },
    process: { type: 'string', short: 'p' },
    detach: { type: 'boolean', short: 'd' },
    'pid-file': { type: 'string' },
    'process-label': { type: 'string' },
    apparmor: { type: 'string' },
    'no-new-privs': { type: 'boolean' },
    cap: { type: 'string', short: 'c', multiple: true },
    'preserve-fds': { type: 'string' },
    cgroup: { type: 'string', multiple: true },
    'ignore-paused': { type: 'boolean' },
  },
  help: {
    'console-socket': 'path to an AF_UNIX socket which will receive the pty master',
    cwd: 'current working directory in the container',
    env: 'set environment variables (KEY=VALUE; may repeat)',
    tty: 'allocate a pseudo-TTY',
    user: 'UID (format: <uid>[:<gid>])',
    'additional-gids': 'additional gids (may repeat)',
    process: 'path to the process.json',
    detach: 'detach from the container\'s process',
    'pid-file': 'specify the file to write the process id to',
    'process-label': 'accepted for compatibility (no SELinux support)',
    apparmor: 'accepted for compatibility (no AppArmor support)',
    'no-new-privs': 'set the no new privileges value for the process',
    cap: 'add a capability to the bounding set for the process (may repeat)',
    'preserve-fds': 'pass N additional file descriptors to the container',
    cgroup: 'accepted for compatibility: the process joins the container\'s cgroups',
    'ignore-paused': 'allow exec in a paused container',
  },
  async run({ values, positionals }, rt) {
    const [id, ...command] = positionals;
    if (!id) throw new UsageError('"exec" requires a container id');
    const proc = processOf(values, command, rt, id);
    if (values.tty === true) proc.terminal = true;
    const consoleSocket = str(values['console-socket']);
    const pidFile = str(values['pid-file']);
    return execInContainer(rt, {
      id,
      process: proc,
      detach: values.detach === true,
      ignorePaused: values['ignore-paused'] === true,
      preserveFds: int(values['preserve-fds'], 'preserve-fds') ?? 0,
      ...(consoleSocket !== undefined ? { consoleSocket } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
    });
  },
};
