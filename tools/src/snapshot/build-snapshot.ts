// Builds the one-file bundles node starts faster from: a CLI's V8 startup snapshot (the entry and
// everything it imports bundled into one plain script, then run once by `node --build-snapshot`; a
// command started on the blob begins from a heap where its modules are already loaded), and a
// daemon's bundle (one script instead of hundreds of modules to resolve, read and compile).
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
  // A snapshot entry is a plain script: no module wrapper provides `exports`.
  await bundleScript({ ...o, format: 'iife' });
  execFileSync(process.execPath, [...(o.nodeFlags ?? []), '--snapshot-blob', o.blob, '--build-snapshot', o.bundle], { stdio: 'inherit' });
}

export interface BundleOptions {
  entry: string;
  bundle: string;
  /** 'cjs' for a script node runs as a module (a daemon's bundle); 'iife' for a snapshot entry. */
  format: 'cjs' | 'iife';
  external?: string[];
  define?: Record<string, string>;
  plugins?: BuildOptions['plugins'];
}

/**
 * The entry and everything it imports in one file: node then reads and compiles one script instead
 * of resolving and loading hundreds of modules (most of a daemon's start-up time).
 */
export async function bundleScript(o: BundleOptions): Promise<void> {
  const { build } = require('esbuild') as typeof import('esbuild');
  await build({
    entryPoints: [o.entry],
    outfile: o.bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: o.format,
    logLevel: 'warning',
    // The source text is kept (V8 compiles functions lazily from it): no blanks, but names stay so
    // stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    external: o.external ?? [],
    define: o.define ?? {},
    plugins: o.plugins ?? [],
  });
}

/** For a package's build script: runs `build`, and on failure prints one line and exits 1. */
export function runBuild(name: string, build: () => Promise<unknown>): void {
  build().catch((err: unknown) => {
    process.stderr.write(`${name} snapshot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
