// runc's --log/--log-format: warnings and errors as text or JSON lines ({"level","msg","time"}), which
// containerd's shim reads back to report why a runtime call failed.
import * as fs from 'node:fs';

export type LogFormat = 'text' | 'json';
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface Logger {
  debug(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(opts: { file?: string; format?: LogFormat; debug?: boolean; stderr?: boolean } = {}): Logger {
  const format = opts.format ?? 'text';
  const write = (level: LogLevel, msg: string) => {
    if (level === 'debug' && !opts.debug) return;
    const time = new Date().toISOString();
    const line = format === 'json' ? JSON.stringify({ level, msg, time }) + '\n' : `time="${time}" level=${level} msg=${JSON.stringify(msg)}\n`;
    if (opts.file) {
      try {
        fs.appendFileSync(opts.file, line);
      } catch {
        // an unwritable log must not hide the error itself
      }
    }
    if ((opts.stderr ?? true) && (!opts.file || level === 'error' || level === 'warning')) {
      process.stderr.write(format === 'json' && !opts.file ? line : level === 'error' ? `${msg}\n` : line);
    }
  };
  return {
    debug: (m) => write('debug', m),
    warn: (m) => write('warning', m),
    error: (m) => write('error', m),
  };
}

export const silentLogger: Logger = { debug() {}, warn() {}, error() {} };
