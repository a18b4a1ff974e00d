import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildBusyboxImage, writeOciImage } from '../src/index.js';
import { runCommand, runOk } from './run-command.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

const CLI = path.join(__dirname, '..', 'src', 'image', 'main.js');

describe('image builder on bad input', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = makeTempDir('tools-bad-input');
  });

  afterEach(() => removeTempDir(tmp));

  /** Nothing but what the test itself put there. */
  function expectOnly(dir: string, names: string[]): void {
    expect(fs.readdirSync(dir).sort()).toEqual([...names].sort());
  }

  test('a missing busybox is named, with the package to install, and nothing is written', async () => {
    const missing = path.join(tmp, 'no-busybox');
    await expect(buildBusyboxImage({ outDir: path.join(tmp, 'out'), busybox: missing, archivePath: path.join(tmp, 'a.tar') })).rejects.toThrow(
      `busybox not found at ${missing}; install busybox-static`,
    );
    expectOnly(tmp, []);
  });

  test('a dynamically linked binary is refused as not static', async () => {
    await expect(buildBusyboxImage({ outDir: path.join(tmp, 'out'), busybox: '/bin/ls' })).rejects.toThrow(
      /busybox at \/bin\/ls is not statically linked \(it needs \/\S+ld-linux\S*\); install busybox-static/,
    );
    expectOnly(tmp, []);
  });

  test('a file that is not ELF is refused', async () => {
    const script = path.join(tmp, 'busybox');
    fs.writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await expect(buildBusyboxImage({ outDir: path.join(tmp, 'out'), busybox: script })).rejects.toThrow(/busybox at .* is not usable: .* is not an ELF executable/);
    expectOnly(tmp, ['busybox']);
  });

  test('an output dir under a regular file is not writable: ENOTDIR, and nothing is left', async () => {
    fs.writeFileSync(path.join(tmp, 'file'), '');
    const outDir = path.join(tmp, 'file', 'out');
    await expect(buildBusyboxImage({ outDir })).rejects.toThrow(new RegExp(`output dir ${outDir} is not writable: ENOTDIR`));
    expectOnly(tmp, ['file']);
  });

  test('an output dir on a read-only mount is not writable: EROFS, and nothing is left', async () => {
    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro);
    await runOk('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tools-test-ro', ro]);
    try {
      const outDir = path.join(ro, 'deeper', 'out');
      await expect(buildBusyboxImage({ outDir })).rejects.toThrow(new RegExp(`output dir ${outDir} is not writable: EROFS`));
      expectOnly(ro, []);
    } finally {
      await runOk('umount', [ro]);
    }
  });

  test('an unwritable archive path leaves no layout behind either (all or nothing), nor created parents', async () => {
    fs.writeFileSync(path.join(tmp, 'file'), '');
    const archivePath = path.join(tmp, 'file', 'image.tar');
    await expect(buildBusyboxImage({ outDir: path.join(tmp, 'new', 'out'), archivePath })).rejects.toThrow(
      new RegExp(`archive ${archivePath} is not writable: ENOTDIR`),
    );
    expectOnly(tmp, ['file']);
  });

  test('a failure while writing layers leaves no partial output', async () => {
    const outDir = path.join(tmp, 'out');
    await expect(
      writeOciImage({ outDir, layers: [{ entries: [{ path: 'bin/x', type: 'file', source: path.join(tmp, 'missing-source') }] }], config: {} }),
    ).rejects.toThrow(/cannot read source file .*missing-source: ENOENT/);
    expectOnly(tmp, []);
  });

  test('a non-empty directory that is not an OCI layout is not overwritten', async () => {
    const outDir = path.join(tmp, 'precious');
    fs.mkdirSync(outDir);
    fs.writeFileSync(path.join(outDir, 'notes.txt'), 'keep me');
    await expect(buildBusyboxImage({ outDir })).rejects.toThrow(/exists, is not empty and is not an OCI layout to replace/);
    expectOnly(tmp, ['precious']);
    expectOnly(outDir, ['notes.txt']);
  });

  test('an earlier layout in the output dir is replaced whole', async () => {
    const outDir = path.join(tmp, 'layout');
    await writeOciImage({ outDir, layers: [{ entries: [{ path: 'old', type: 'file' }] }], config: {} });
    const built = await buildBusyboxImage({ outDir });
    const blobs = fs.readdirSync(path.join(outDir, 'blobs', 'sha256'));
    expect(blobs.sort()).toEqual([built.manifestDigest, built.configDigest, ...built.layers.map((l) => l.digest)].map((d) => d.slice(7)).sort());
    expectOnly(tmp, ['layout']);
  });

  test('the CLI reports the error and exits 1', async () => {
    const r = await runCommand(process.execPath, [CLI, '--out', path.join(tmp, 'out'), '--busybox', '/bin/ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^build-test-image: busybox at \/bin\/ls is not statically linked/);
    expectOnly(tmp, []);
  });
});
