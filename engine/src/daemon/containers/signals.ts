// Signal names and numbers as `docker kill -s` and StopSignal accept them (SIGTERM, TERM, 15).
import { constants } from 'node:os';
import { badRequest } from '../http/api-error.js';

const SIGNALS = constants.signals as Record<string, number>;

export function parseSignal(input: string | undefined, fallback = 'SIGKILL'): number {
  const s = (input ?? '').trim() || fallback;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > 64) throw badRequest(`Invalid signal: ${s}`);
    return n;
  }
  const upper = s.toUpperCase();
  const n = SIGNALS[upper.startsWith('SIG') ? upper : `SIG${upper}`];
  if (n === undefined) throw badRequest(`Invalid signal: ${s}`);
  return n;
}
