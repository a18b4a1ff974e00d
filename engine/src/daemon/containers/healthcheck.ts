// HEALTHCHECK: the config (image's, overridden field by field by the container's, as dockerd merges
// them), dockerd's checks at create, and the probe loop of a running container — an exec every
// interval, its result logged (last 5), a failing streak past `Retries` turns the container
// unhealthy; failures in the start period do not count until a probe first succeeds.
import { badRequest } from '../http/api-error.js';

export interface HealthConfig {
  /** [] inherit, ["NONE"] disabled, ["CMD", args…] or ["CMD-SHELL", command]. Durations in ns. */
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

const MS = 1_000_000;
const DEFAULT_INTERVAL = 30_000 * MS;
const DEFAULT_TIMEOUT = 30_000 * MS;
const DEFAULT_RETRIES = 3;
const MAX_LOG = 5;

function duration(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`invalid ${what} in Healthcheck: ${JSON.stringify(v)}`);
  return v;
}

/** Checks a Healthcheck from a create request with dockerd's rules and messages. */
export function validateHealthcheck(raw: unknown): HealthConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('invalid Healthcheck: expected an object');
  const h = raw as Record<string, unknown>;
  const test = h.Test ?? [];
  if (!Array.isArray(test) || test.some((t) => typeof t !== 'string')) throw badRequest('invalid Healthcheck.Test: expected a list of strings');
  const out: HealthConfig = { Test: test as string[], Interval: duration(h.Interval, 'Interval'), Timeout: duration(h.Timeout, 'Timeout'), StartPeriod: duration(h.StartPeriod, 'StartPeriod'), Retries: duration(h.Retries, 'Retries') };
  if (out.Interval !== 0 && out.Interval! < MS) throw badRequest('Interval in Healthcheck cannot be less than 1ms');
  if (out.Timeout !== 0 && out.Timeout! < MS) throw badRequest('Timeout in Healthcheck cannot be less than 1ms');
  if (out.Retries! < 0) throw badRequest('Retries in Healthcheck cannot be negative');
  if (out.StartPeriod !== 0 && out.StartPeriod! < MS) throw badRequest('StartPeriod in Healthcheck cannot be less than 1ms');
  const kind = out.Test![0];
  if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind)) throw badRequest(`unknown Healthcheck type '${kind}' (expected NONE, CMD or CMD-SHELL)`);
  return out;
}

/** The container's check: its own fields over the image's, as dockerd's merge does. */
export function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image;
  if (!image) return user;
  return {
    Test: user.Test?.length ? user.Test : (image.Test ?? []),
    Interval: user.Interval || image.Interval || 0,
    Timeout: user.Timeout || image.Timeout || 0,
    StartPeriod: user.StartPeriod || image.StartPeriod || 0,
    Retries: user.Retries || image.Retries || 0,
  };
}

/** The probe's command line, or undefined when there is no check (none set, or NONE). */
export function probeCommand(h: HealthConfig | undefined): string[] | undefined {
  const [kind, ...rest] = h?.Test ?? [];
  if (kind === 'CMD' && rest.length) return rest;
  if (kind === 'CMD-SHELL' && rest.length) return ['/bin/sh', '-c', rest.join(' ')];
  return undefined;
}

export interface ProbeRunner {
  /** Runs the probe once: its exit code (-1 when it timed out) and output. */
  run(cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string; timedOut: boolean }>;
  /** Called after each probe with the new state; `changed` when Status changed. */
  update(state: HealthState, changed: boolean): void;
}

/** Probes a running container until `stop()`; the state starts as 'starting'. */
export class HealthMonitor {
  readonly state: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly config: HealthConfig,
    private readonly cmd: string[],
    private readonly runner: ProbeRunner,
  ) {
    this.schedule();
  }

  private ms(ns: number | undefined, fallback: number): number {
    return Math.max(1, Math.round((ns || fallback) / MS));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probe(), this.ms(this.config.Interval, DEFAULT_INTERVAL));
  }

  private async probe(): Promise<void> {
    const start = new Date();
    let result: { exitCode: number; output: string; timedOut: boolean };
    try {
      result = await this.runner.run(this.cmd, this.ms(this.config.Timeout, DEFAULT_TIMEOUT));
    } catch (err) {
      result = { exitCode: -1, output: (err as Error).message, timedOut: false };
    }
    if (this.stopped) return;
    const timeout = this.ms(this.config.Timeout, DEFAULT_TIMEOUT);
    const entry: HealthLogEntry = { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: result.exitCode, Output: result.timedOut ? `Health check exceeded timeout (${timeout / 1000}s)` : result.output };
    this.state.Log = [...this.state.Log, entry].slice(-MAX_LOG);
    const before = this.state.Status;
    if (result.exitCode === 0) {
      this.state.Status = 'healthy';
      this.state.FailingStreak = 0;
    } else {
      const inStartPeriod = this.state.Status === 'starting' && Date.now() - this.startedAt < (this.config.StartPeriod ?? 0) / MS;
      if (!inStartPeriod) {
        this.state.FailingStreak++;
        if (this.state.FailingStreak >= (this.config.Retries || DEFAULT_RETRIES)) this.state.Status = 'unhealthy';
      }
    }
    this.runner.update(this.state, before !== this.state.Status);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
