// Builds ctr-ts's startup snapshot (`npm run bundle`): bundles cmd/ctr-ts-snapshot.js into one file
// and runs `node --build-snapshot` on it, writing <out>/ctr-ts.snapshot.js and <out>/ctr-ts.blob.
import * as path from 'node:path';
import { buildStartupSnapshot, runBuild } from '@stack/tools';
import { protobufAsEsm } from './protobuf-as-esm.js';

/** This package's root (this file runs as dist/src/build/ctr-snapshot.js). */
const PKG = path.resolve(__dirname, '../../..');

export async function buildCtrSnapshot(outDir: string): Promise<{ bundle: string; blob: string }> {
  const bundle = path.join(outDir, 'ctr-ts.snapshot.js');
  const blob = path.join(outDir, 'ctr-ts.blob');
  await buildStartupSnapshot({
    entry: path.join(PKG, 'dist/src/cmd/ctr-ts-snapshot.js'),
    bundle,
    blob,
    plugins: [protobufAsEsm],
    // Only daemons' clients use grpc-js (connectStack); the CLI never loads it.
    external: ['@grpc/grpc-js'],
  });
  return { bundle, blob };
}

if (require.main === module) runBuild('ctr-ts', () => buildCtrSnapshot(path.resolve(process.argv[2] ?? path.join(PKG, 'dist'))));
