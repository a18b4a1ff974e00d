// Structured logs: one JSON object per line on stderr (time, level, msg, fields), like containerd's
// logrus JSON formatter, so tests and operators can grep and parse them.
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  with(fields: Fields): Logger;
}

export interface LoggerOptions {
  level?: Level;
  write?: (line: string) => void;
}

function serialisable(v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

export function createLogger(options: LoggerOptions = {}, base: Fields = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const log = (level: Level, msg: string, fields?: Fields) => {
    if (ORDER[level] < min) return;
    const rec: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [k, v] of Object.entries({ ...base, ...fields })) rec[k] = serialisable(v);
    write(JSON.stringify(rec) + '\n');
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    with: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });

export function isLevel(s: string): s is Level {
  return s in ORDER;
}
