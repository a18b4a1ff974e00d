// The checks a task's runtime and runc options pass at create (no daemon needed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { OptionsSchema } from '@stack/proto/gen/containerd/runc/v1/options_pb';
import { checkRuntimeBinary, checkRuntimeName, runtimeBinaryOf } from '../src/core/tasks/runtime-options.js';
import { tempDir } from './support/temp.js';

const options = (init: Parameters<typeof create<typeof OptionsSchema>>[1]) => ({ typeUrl: OptionsSchema.typeName, value: toBinary(OptionsSchema, create(OptionsSchema, init)) });

test('runtime names: runc v1/v2 run, others are refused in containerd\'s words', () => {
  expect(() => checkRuntimeName('io.containerd.runc.v2')).not.toThrow();
  expect(() => checkRuntimeName('io.containerd.runc.v1')).not.toThrow();
  expect(() => checkRuntimeName('io.containerd.nope.v1')).toThrow('failed to start shim: failed to resolve runtime path: runtime "io.containerd.nope.v1" binary not installed "containerd-shim-nope-v1": file does not exist');
  expect(() => checkRuntimeName('runc')).toThrow(/invalid runtime name runc, correct runtime name should be/);
  // An installed shim of another kind is still not one shim-ts can stand in for.
  expect(() => checkRuntimeName('/bin/true')).toThrow(/is not supported by containerd-ts/);
});

test('runc options: BinaryName is read, ShimCgroup is refused', () => {
  expect(runtimeBinaryOf(undefined)).toBeUndefined();
  expect(runtimeBinaryOf(options({}))).toBeUndefined();
  expect(runtimeBinaryOf({ ...options({ binaryName: '/usr/sbin/runc' }), typeUrl: `type.googleapis.com/${OptionsSchema.typeName}` })).toBe('/usr/sbin/runc');
  expect(() => runtimeBinaryOf(options({ shimCgroup: '/shims' }))).toThrow(/ShimCgroup \(\/shims\) is not supported/);
});

test('a BinaryName that cannot be run', () => {
  const dir = tempDir('rtbin-');
  try {
    const bundle = path.join(dir, 'bundle');
    const plain = path.join(dir, 'not-executable');
    fs.writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
    expect(() => checkRuntimeBinary('/usr/sbin/runc', bundle)).not.toThrow();
    expect(() => checkRuntimeBinary('runc', bundle)).not.toThrow();
    expect(() => checkRuntimeBinary('/nonexistent/runc', bundle)).toThrow(
      `failed to create shim task: OCI runtime create failed: unable to retrieve OCI runtime error (open ${bundle}/log.json: no such file or directory): fork/exec /nonexistent/runc: no such file or directory`,
    );
    expect(() => checkRuntimeBinary('no-such-runtime-here', bundle)).toThrow(/exec: "no-such-runtime-here": executable file not found in \$PATH$/);
    // root may execute any file with an x bit; this one has none.
    expect(() => checkRuntimeBinary(plain, bundle)).toThrow(/fork\/exec .*not-executable: permission denied$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
