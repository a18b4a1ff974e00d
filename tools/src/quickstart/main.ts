// The README's main job: run a container from a local busybox image (built from the host's static
// busybox, so no network is needed). Until the engine exists, it runs the bundle with runc-ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBusyboxImage } from '../image/busybox.js';
import { makeBundle } from '../bundle/make-bundle.js';

const STATE = '/var/lib/stack-quickstart';
const RUNC_TS = path.resolve(__dirname, '../../../../runc-ts/bin/runc-ts');

async function main(): Promise<number> {
  const imageDir = path.join(STATE, 'busybox-image');
  if (!fs.existsSync(path.join(imageDir, 'index.json'))) {
    fs.mkdirSync(STATE, { recursive: true });
    const image = await buildBusyboxImage({ outDir: imageDir });
    console.log(`built the busybox image ${image.manifestDigest} in ${imageDir}`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quickstart-'));
  try {
    const bundle = await makeBundle({
      image: imageDir,
      bundleDir: path.join(work, 'bundle'),
      args: ['sh', '-c', 'echo "Hello from a runc-ts container: pid $$, host $(hostname), $(uname -sr)"; ls /'],
      hostname: 'quickstart',
    });
    const id = `quickstart-${process.pid}`;
    console.log(`runc-ts run --bundle ${bundle.bundleDir} ${id}`);
    const r = spawnSync(RUNC_TS, ['--root', path.join(work, 'state'), 'run', '--bundle', bundle.bundleDir, id], { stdio: 'inherit' });
    return r.status ?? 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`quickstart: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
