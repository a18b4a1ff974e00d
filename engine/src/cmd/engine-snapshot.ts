// The entry of the engine CLI's startup snapshot (`npm run build` → dist/engine.blob): yargs, the
// commands and the API client are loaded, and the parser built, at build time, so a command starts
// from a heap that already holds them. bin/engine starts node on the snapshot when it is current.
import * as v8 from 'node:v8';
import { cli, runCli } from '../cli/main.js';

const parser = cli();

// Started from a snapshot, argv holds no script path: the arguments begin at argv[1].
v8.startupSnapshot.setDeserializeMainFunction(() => runCli(process.argv.slice(1), parser));
