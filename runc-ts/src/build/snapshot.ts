// Builds runc-ts's V8 startup snapshot (`npm run bundle`): the CLI bundled into one plain script
// (dist/runc-ts.snapshot.js) and snapshotted (dist/runc-ts.blob); bin/runc-ts starts from it when
// it is current.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const PKG = path.resolve(__dirname, '../../..');

async function buildAll(): Promise<void> {
  const { build } = require('esbuild') as typeof import('esbuild');
  const snapshotJs = path.join(PKG, 'dist/runc-ts.snapshot.js');
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    external: ['koffi'],
    entryPoints: [path.join(PKG, 'dist/src/cli/snapshot-entry.js')],
    outfile: snapshotJs,
    // A snapshot entry is a plain script, with no module wrapper to provide `exports`.
    format: 'iife',
    minifyWhitespace: true,
    define: { RUNC_TS_KOFFI: JSON.stringify(require.resolve('koffi')) },
  });
  // The same V8 flags at build and at run time: they shape the heap the snapshot holds.
  execFileSync(process.execPath, ['--single-threaded', '--expose-gc', '--snapshot-blob', path.join(PKG, 'dist/runc-ts.blob'), '--build-snapshot', snapshotJs], { stdio: 'inherit' });
}

buildAll().catch((err: unknown) => {
  process.stderr.write(`runc-ts build: ${(err as Error).message}\n`);
  process.exit(1);
});
