// Builds runc-ts's V8 startup snapshot (`npm run bundle`): the CLI bundled into one plain script
// (dist/runc-ts.snapshot.js) and snapshotted (dist/runc-ts.blob); bin/runc-ts starts from it when
// it is current.
import * as path from 'node:path';
import { buildStartupSnapshot, runBuild } from '@stack/tools';

const PKG = path.resolve(__dirname, '../../..');

runBuild('runc-ts', () =>
  buildStartupSnapshot({
    entry: path.join(PKG, 'dist/src/cli/snapshot-entry.js'),
    bundle: path.join(PKG, 'dist/runc-ts.snapshot.js'),
    blob: path.join(PKG, 'dist/runc-ts.blob'),
    // koffi, a native addon, loads on first use from where it is installed.
    external: ['koffi'],
    define: { RUNC_TS_KOFFI: JSON.stringify(require.resolve('koffi')) },
    nodeFlags: ['--single-threaded', '--expose-gc'],
  }),
);
