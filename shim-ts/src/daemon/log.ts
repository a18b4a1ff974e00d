// The shim's log: JSON lines on stderr, which start() points at <state-dir>/<group>/shim.log.
export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, msg: string) => void;

export const log: Log = (level, msg) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg })}\n`);
};
