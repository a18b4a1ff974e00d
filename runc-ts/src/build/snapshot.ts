// Builds runc-ts's V8 startup snapshot (`npm run bundle`): the CLI bundled into one plain script
// (dist/runc-ts.snapshot.js) and snapshotted (dist/runc-ts.blob); bin/runc-ts starts from it when
// it is current.
import * as path from 'node:path';
import { buildStartupSnapshot, runBuild } from '@stack/tools';

const PKG = path.resolve(__dirname, '../../..');

/** The native addon koffi's loader picks on this machine (it is in require's cache once loaded). */
function koffiAddon(): string {
  require('koffi');
  const addon = Object.keys(require.cache).find((f) => f.endsWith('.node') && f.includes('koffi'));
  if (!addon) throw new Error('cannot find the native addon koffi loaded');
  return addon;
}

runBuild('runc-ts', () =>
  buildStartupSnapshot({
    entry: path.join(PKG, 'dist/src/cli/snapshot-entry.js'),
    bundle: path.join(PKG, 'dist/runc-ts.snapshot.js'),
    blob: path.join(PKG, 'dist/runc-ts.blob'),
    // koffi, a native addon, loads on first use from where it is installed.
    external: ['koffi'],
    define: { RUNC_TS_KOFFI: JSON.stringify(require.resolve('koffi')), RUNC_TS_KOFFI_NATIVE: JSON.stringify(koffiAddon()) },
    nodeFlags: ['--single-threaded', '--expose-gc'],
  }),
);
