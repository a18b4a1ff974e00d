// OCI hooks: each gets the container state as JSON on stdin; a non-zero exit or a timeout is a failure.
import type { HookConfig } from '../spec/config.js';

export class HookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HookError';
  }
}

export function runHook(phase: string, hook: HookConfig, state: object): void {
  // Required here: node:child_process must not load into the startup snapshot.
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(hook.path, hook.args.slice(1), {
    argv0: hook.args[0] ?? hook.path,
    input: JSON.stringify(state),
    env: Object.fromEntries(hook.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(hook.timeout !== undefined ? { timeout: hook.timeout * 1000, killSignal: 'SIGKILL' as const } : {}),
  });
  if (r.error) {
    const e = r.error as NodeJS.ErrnoException;
    if (e.code === 'ETIMEDOUT') throw new HookError(`${phase} hook ${hook.path} timed out after ${hook.timeout}s`);
    throw new HookError(`${phase} hook ${hook.path} could not run: ${e.message}`);
  }
  if (r.signal) throw new HookError(`${phase} hook ${hook.path} was killed by ${r.signal}${hook.timeout !== undefined ? ` (timeout ${hook.timeout}s)` : ''}`);
  if (r.status !== 0) {
    const stderr = r.stderr.toString().trim();
    throw new HookError(`${phase} hook ${hook.path} exited with status ${r.status}${stderr ? `: ${stderr}` : ''}`);
  }
}

export function runHooks(phase: string, hooks: readonly HookConfig[], state: object): void {
  for (const h of hooks) runHook(phase, h, state);
}
