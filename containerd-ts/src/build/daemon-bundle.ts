// Bundles the daemon (`npm run bundle`) into dist/bundle/containerd-ts.js, which bin/containerd-ts
// runs when it is newer than the compiled modules: node then loads one script instead of resolving
// and reading ~400 modules, a quarter of the CPU the daemon spends before it answers.
import * as path from 'node:path';
import { bundleScript, runBuild } from '@stack/tools';
import { protobufAsEsm } from './protobuf-as-esm.js';

const PKG = path.resolve(__dirname, '../../..');

export async function buildDaemonBundle(outDir: string): Promise<string> {
  // Named as the entry it bundles: the service command and tests find the daemon's process by an
  // argument ending in /containerd-ts.js, whichever of the two runs.
  const bundle = path.join(outDir, 'bundle', 'containerd-ts.js');
  await bundleScript({
    entry: path.join(PKG, 'dist/src/cmd/containerd-ts.js'),
    bundle,
    format: 'cjs',
    plugins: [protobufAsEsm],
    // Native addons load from node_modules; shim-ts is found there by require.resolve (its bin/).
    external: ['lmdb', 'koffi', '@stack/shim-ts'],
  });
  return bundle;
}

if (require.main === module) runBuild('containerd-ts daemon', () => buildDaemonBundle(path.resolve(process.argv[2] ?? path.join(PKG, 'dist'))));
