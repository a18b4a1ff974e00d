// Task status names as ctr prints them.
const NAMES = ['UNKNOWN', 'CREATED', 'RUNNING', 'STOPPED', 'PAUSED', 'PAUSING'];

export function statusName(status: number): string {
  return NAMES[status] ?? 'UNKNOWN';
}

export const STATUS = { CREATED: 1, RUNNING: 2, STOPPED: 3, PAUSED: 4 } as const;
