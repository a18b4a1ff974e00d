// Signal names and numbers as ctr takes them: SIGTERM, TERM or 15.
import { constants } from 'node:os';

const SIGNALS = constants.signals as Record<string, number>;

export function parseSignal(s: string): number {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 64) return n;
  } else {
    const name = s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`;
    const n = SIGNALS[name];
    if (n !== undefined) return n;
  }
  throw new Error(`invalid signal ${JSON.stringify(s)}: want a name such as SIGTERM or a number`);
}
