// The entry of the engine CLI's startup snapshot (`npm run build` → dist/engine.blob): yargs, the
// commands and the API client are loaded, and the parser built, at build time, so a command starts
// from a heap that already holds them. bin/engine starts node on the snapshot when it is current.
import * as v8 from 'node:v8';
import { cli, main } from '../cli/main.js';

const parser = cli();

// Started from a snapshot, argv holds no script path: the arguments begin at argv[1].
v8.startupSnapshot.setDeserializeMainFunction(() => {
  main(process.argv.slice(1), parser).catch((err: unknown) => {
    process.stderr.write(`engine: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
});
