// engined: the Docker Engine API daemon.
import { runDaemon } from '../daemon/daemon.js';

runDaemon(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
