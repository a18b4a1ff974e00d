// Bundles the daemon (`npm run bundle`) into dist/engined.bundle.js, which bin/engined runs when it
// is newer than the compiled modules: node then loads one script instead of resolving and reading
// hundreds of modules before the API answers.
import * as path from 'node:path';
import { bundleScript, runBuild } from '@stack/tools';

const PKG = path.resolve(__dirname, '../../..');

runBuild('engined', () =>
  bundleScript({
    entry: path.join(PKG, 'dist/src/cmd/engined.js'),
    bundle: path.join(PKG, 'dist/engined.bundle.js'),
    format: 'cjs',
    // Code that finds files beside its module asks this (the userland proxy's entry).
    define: { ENGINED_BUNDLE: 'true' },
    external: ['lmdb', 'koffi', '@stack/shim-ts'],
  }),
);
