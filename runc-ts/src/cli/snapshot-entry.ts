// The entry of runc-ts's V8 startup snapshot (`npm run build` → dist/runc-ts.blob): every module is
// loaded and initialised at build time, so a command starts from a deserialized heap instead of
// compiling ~40 modules. koffi, a native addon, cannot be in a snapshot: it loads on first use.
import { startupSnapshot } from 'node:v8';
import { loadAllCommands, runAndExit } from './main.js';

// Every command's modules run their top level now, not in each call (~15 ms for `run`).
loadAllCommands();

// Started from a snapshot, argv holds no script path: the arguments begin at argv[1].
startupSnapshot.setDeserializeMainFunction(() => runAndExit(process.argv.slice(1)));
