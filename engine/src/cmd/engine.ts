// engine: the user CLI.
import { main } from '../cli/main.js';

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`engine: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
