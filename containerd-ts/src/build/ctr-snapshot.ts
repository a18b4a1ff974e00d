// Builds ctr-ts's startup snapshot (`npm run bundle`): bundles cmd/ctr-ts-snapshot.js into one file
// and runs `node --build-snapshot` on it, writing <out>/ctr-ts.snapshot.js and <out>/ctr-ts.blob.
import * as path from 'node:path';
import type { Plugin } from 'esbuild';
import { buildStartupSnapshot, runBuild } from '@stack/tools';

/** This package's root (this file runs as dist/src/build/ctr-snapshot.js). */
const PKG = path.resolve(__dirname, '../../..');

/**
 * protobuf-es as ES modules even where it is require()d (the generated code is CommonJS): one copy
 * of it in the bundle, and only the parts used — its CommonJS index loads every well-known type,
 * ~2 MB of heap that each command would deserialize for nothing.
 */
const protobufAsEsm: Plugin = {
  name: 'protobuf-es-as-esm',
  setup(build) {
    build.onResolve({ filter: /^@bufbuild\/protobuf(\/|$)/ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      return build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
    });
  },
};

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
