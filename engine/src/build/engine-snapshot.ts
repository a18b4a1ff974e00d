// Builds the engine CLI's V8 startup snapshot (`npm run bundle`): dist/engine.snapshot.js and
// dist/engine.blob, which bin/engine starts from when they are newer than the compiled code.
import * as path from 'node:path';
import { buildStartupSnapshot, runBuild } from '@stack/tools';

const PKG = path.resolve(__dirname, '../../..');

runBuild('engine', () =>
  buildStartupSnapshot({
    entry: path.join(PKG, 'dist/src/cmd/engine-snapshot.js'),
    bundle: path.join(PKG, 'dist/engine.snapshot.js'),
    blob: path.join(PKG, 'dist/engine.blob'),
  }),
);
