// engine: the user CLI (bin/engine runs this when there is no current startup snapshot).
import { runCli } from '../cli/main.js';

runCli(process.argv.slice(2));
