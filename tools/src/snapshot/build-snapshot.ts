// Builds a CLI's V8 startup snapshot: the entry script and everything it imports bundled into one
// plain script, then run once by `node --build-snapshot`. A command started on the blob
// (`node --snapshot-blob BLOB -- ARGS`) begins from a heap where its modules are already loaded.
import { execFileSync } from 'node:child_process';
import type { BuildOptions } from 'esbuild';

export interface StartupSnapshotOptions {
  /** The compiled entry; it must call v8.startupSnapshot.setDeserializeMainFunction. */
  entry: string;
  /** Where the bundled script goes (kept: V8 compiles functions from its source lazily). */
  bundle: string;
  blob: string;
  /** V8 flags the command runs with: they shape the heap, so build and run must use the same. */
  nodeFlags?: string[];
  /** Modules left out of the bundle: native addons, and what the command never loads. */
  external?: string[];
  define?: Record<string, string>;
  plugins?: BuildOptions['plugins'];
}

export async function buildStartupSnapshot(o: StartupSnapshotOptions): Promise<void> {
  const { build } = require('esbuild') as typeof import('esbuild');
  await build({
    entryPoints: [o.entry],
    outfile: o.bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // A snapshot entry is a plain script: no module wrapper provides `exports`.
    format: 'iife',
    logLevel: 'warning',
    // The source text is part of the snapshot: no blanks, but names stay so stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    external: o.external ?? [],
    define: o.define ?? {},
    plugins: o.plugins ?? [],
  });
  execFileSync(process.execPath, [...(o.nodeFlags ?? []), '--snapshot-blob', o.blob, '--build-snapshot', o.bundle], { stdio: 'inherit' });
}

/** For a package's build script: runs `build`, and on failure prints one line and exits 1. */
export function runBuild(name: string, build: () => Promise<unknown>): void {
  build().catch((err: unknown) => {
    process.stderr.write(`${name} snapshot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
