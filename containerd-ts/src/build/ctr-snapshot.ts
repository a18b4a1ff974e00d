// Builds ctr-ts's startup snapshot (`npm run bundle`): bundles cmd/ctr-ts-snapshot.js into one file
// and runs `node --build-snapshot` on it, writing <out>/ctr-ts.snapshot.js and <out>/ctr-ts.blob.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Plugin } from 'esbuild';

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
  const { build } = require('esbuild') as typeof import('esbuild');
  const bundle = path.join(outDir, 'ctr-ts.snapshot.js');
  const blob = path.join(outDir, 'ctr-ts.blob');
  await build({
    entryPoints: [path.join(PKG, 'dist/src/cmd/ctr-ts-snapshot.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    // A snapshot entry is a plain script: no module wrapper provides `exports`.
    format: 'iife',
    outfile: bundle,
    logLevel: 'warning',
    // The source text is part of the snapshot (V8 compiles functions from it lazily): no blanks,
    // but the names stay, so stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [protobufAsEsm],
    // Only daemons' clients use grpc-js (connectStack); the CLI never loads it.
    external: ['@grpc/grpc-js'],
  });
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', bundle], { stdio: 'inherit' });
  return { bundle, blob };
}

if (require.main === module) {
  buildCtrSnapshot(path.resolve(process.argv[2] ?? path.join(PKG, 'dist'))).catch((err: unknown) => {
    process.stderr.write(`ctr-ts snapshot: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
