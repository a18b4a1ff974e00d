// engined's log: one JSON line per message on stderr.
import type { Logger } from './containers/container-manager.js';

export function jsonLogger(debug: () => boolean): Logger & { debug(msg: string): void } {
  const write = (level: string, msg: string) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`);
  return {
    debug: (m) => debug() && write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
  };
}
