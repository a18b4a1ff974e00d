#!/usr/bin/env node
// build-test-image: writes the busybox test image as an OCI layout (and optionally an archive).
import { parseArgs } from 'node:util';
import { buildBusyboxImage } from './busybox.js';

const USAGE = 'usage: build-test-image --out DIR [--archive FILE] [--busybox PATH] [--tag REF] [--format json]';

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        archive: { type: 'string' },
        busybox: { type: 'string' },
        tag: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`build-test-image: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out || (values.format !== undefined && values.format !== 'json')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const image = await buildBusyboxImage({
      outDir: values.out,
      ...(values.archive !== undefined ? { archivePath: values.archive } : {}),
      ...(values.busybox !== undefined ? { busybox: values.busybox } : {}),
      ...(values.tag !== undefined ? { repoTag: values.tag } : {}),
    });
    if (values.format === 'json') {
      process.stdout.write(`${JSON.stringify(image, null, 2)}\n`);
    } else {
      process.stdout.write(`OCI layout ${image.layoutDir}: manifest ${image.manifestDigest}, ${image.layers.length} layer(s)\n`);
      if (image.archivePath) process.stdout.write(`archive ${image.archivePath} (${image.repoTag ?? 'untagged'})\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`build-test-image: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
