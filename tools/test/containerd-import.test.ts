import * as path from 'node:path';
import { buildBusyboxImage, startReferenceContainerd, type BuiltImage, type ReferenceContainerd } from '../src/index.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

// Debian's containerd, on private paths, as an independent reader of the archive.

describe('ctr images import of the busybox archive', () => {
  let tmp: string;
  let containerd: ReferenceContainerd | undefined;
  let image: BuiltImage;

  beforeAll(async () => {
    tmp = makeTempDir('tools-containerd');
    containerd = await startReferenceContainerd({ dir: path.join(tmp, 'containerd') });
    image = await buildBusyboxImage({ outDir: path.join(tmp, 'layout'), archivePath: path.join(tmp, 'busybox.tar') });
  });

  afterAll(async () => {
    try {
      await containerd?.stop();
    } finally {
      removeTempDir(tmp);
    }
  });

  const ok = async (args: string[]) => {
    const r = await containerd!.ctr(args, { namespace: 'test' });
    if (r.code !== 0) throw new Error(`ctr ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  test('imports the archive under its name, with the built manifest digest, and unpacks it', async () => {
    const out = await ok(['images', 'import', image.archivePath ?? '']);
    expect(out).toMatch(/unpacking docker\.io\/library\/busybox:latest .*done/);
    const ls = await ok(['images', 'ls']);
    const row = ls.split('\n').find((l) => l.startsWith('docker.io/library/busybox:latest '));
    expect(row).toBeDefined();
    expect(row).toContain(image.manifestDigest);
    expect(row).toContain('application/vnd.oci.image.manifest.v1+json');
    // complete (2/2) … true: both blobs are in the content store and the layer was unpacked.
    const check = await ok(['images', 'check']);
    expect(check).toMatch(/docker\.io\/library\/busybox:latest\s+\S+\s+\S+\s+complete \(2\/2\).*true/);
  });
});
