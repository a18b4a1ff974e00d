// Health checks without root: dockerd's checks and merge rules, the probe command, and the monitor's
// state machine driven by a scripted probe runner.
import { HealthMonitor, mergeHealthcheck, probeCommand, validateHealthcheck, type HealthState } from '../src/daemon/containers/healthcheck.js';

const MS = 1_000_000;

test("dockerd's checks at create, with its messages", () => {
  expect(() => validateHealthcheck({ Test: ['CMD', 'true'], Interval: 100 })).toThrow('Interval in Healthcheck cannot be less than 1ms');
  expect(() => validateHealthcheck({ Test: ['CMD', 'true'], Timeout: 5 })).toThrow('Timeout in Healthcheck cannot be less than 1ms');
  expect(() => validateHealthcheck({ Test: ['CMD', 'true'], Retries: -1 })).toThrow('Retries in Healthcheck cannot be negative');
  expect(() => validateHealthcheck({ Test: ['CMD', 'true'], StartPeriod: 10 })).toThrow('StartPeriod in Healthcheck cannot be less than 1ms');
  expect(() => validateHealthcheck({ Test: ['SHELL', 'x'] })).toThrow(/unknown Healthcheck type 'SHELL'/);
  expect(validateHealthcheck({ Test: ['CMD-SHELL', 'true'], Interval: 2 * MS })).toMatchObject({ Interval: 2 * MS, Retries: 0 });
  expect(validateHealthcheck(null)).toBeUndefined();
});

test("the container's fields over the image's; NONE and an empty test mean no probe", () => {
  const image = { Test: ['CMD', 'check'], Interval: 5 * MS, Timeout: 3 * MS, StartPeriod: 0, Retries: 4 };
  expect(mergeHealthcheck({ Test: [], Interval: 1 * MS, Timeout: 0, StartPeriod: 0, Retries: 0 }, image)).toEqual({ Test: ['CMD', 'check'], Interval: 1 * MS, Timeout: 3 * MS, StartPeriod: 0, Retries: 4 });
  expect(mergeHealthcheck(undefined, image)).toBe(image);
  expect(probeCommand({ Test: ['NONE'] })).toBeUndefined();
  expect(probeCommand({ Test: [] })).toBeUndefined();
  expect(probeCommand({ Test: ['CMD', 'a', 'b'] })).toEqual(['a', 'b']);
  expect(probeCommand({ Test: ['CMD-SHELL', 'test -e /x'] })).toEqual(['/bin/sh', '-c', 'test -e /x']);
});

test('starting → healthy → unhealthy after Retries failures; the log keeps the last 5; a timeout is -1', async () => {
  const results = [0, 1, 1, 1, 1, 1, 1, -1];
  const seen: Array<{ status: string; streak: number; changed: boolean }> = [];
  let last: HealthState | undefined;
  await new Promise<void>((resolve) => {
    const m = new HealthMonitor({ Test: ['CMD', 'x'], Interval: 1 * MS, Timeout: 50 * MS, Retries: 2 }, ['x'], {
      run: async () => {
        const code = results.shift() ?? 0;
        return { exitCode: code, output: `code ${code}\n`, timedOut: code === -1 };
      },
      update: (state, changed) => {
        seen.push({ status: state.Status, streak: state.FailingStreak, changed });
        last = structuredClone(state);
        if (results.length === 0) {
          m.stop();
          resolve();
        }
      },
    });
    expect(m.state.Status).toBe('starting');
  });
  expect(seen.map((s) => s.status)).toEqual(['healthy', 'healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'unhealthy']);
  expect(seen.filter((s) => s.changed).map((s) => s.status)).toEqual(['healthy', 'unhealthy']);
  expect(last!.FailingStreak).toBe(7);
  expect(last!.Log).toHaveLength(5);
  expect(last!.Log.at(-1)).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (0.05s)' });
});

test('failures in the start period do not count while the container is still starting', async () => {
  const results = [1, 1, 1];
  const statuses: string[] = [];
  await new Promise<void>((resolve) => {
    const m = new HealthMonitor({ Test: ['CMD', 'x'], Interval: 1 * MS, Retries: 1, StartPeriod: 60_000 * MS }, ['x'], {
      run: async () => ({ exitCode: results.shift() ?? 1, output: '', timedOut: false }),
      update: (state) => {
        statuses.push(`${state.Status}/${state.FailingStreak}`);
        if (results.length === 0) {
          m.stop();
          resolve();
        }
      },
    });
  });
  expect(statuses).toEqual(['starting/0', 'starting/0', 'starting/0']);
});
