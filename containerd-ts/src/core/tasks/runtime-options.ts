// What a task's runtime must be to run under shim-ts, checked at task create so that nothing a client
// asked for is silently dropped: the runtime name, and the runc options' BinaryName (ctr run
// --runc-binary; one that cannot be run is refused in the words containerd's shim uses, rather than
// surfacing later as a spawn error deep inside the shim) and ShimCgroup.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { OptionsSchema } from '@stack/proto/gen/containerd/runc/v1/options_pb';
import { invalidArgument } from '../errdefs.js';
import type { AnyRecord } from '../metadata/records.js';

const RUNC_OPTIONS = OptionsSchema.typeName;

/** The binary named by runc options, or undefined when they name none (the shim's default). */
export function runtimeBinaryOf(options: AnyRecord | undefined): string | undefined {
  if (!options || options.typeUrl.replace(/^[^/]*\//, '') !== RUNC_OPTIONS) return undefined;
  const o = fromBinary(OptionsSchema, options.value);
  // One shim-ts serves a whole namespace: it cannot move into one container's cgroup.
  if (o.shimCgroup) throw invalidArgument(`runc option ShimCgroup (${o.shimCgroup}) is not supported: containerd-ts runs one shim per namespace`);
  return o.binaryName || undefined;
}

function executable(file: string): NodeJS.ErrnoException | undefined {
  try {
    if (!fs.statSync(file).isFile()) return Object.assign(new Error('permission denied'), { code: 'EACCES' });
    fs.accessSync(file, fs.constants.X_OK);
    return undefined;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/**
 * Throws containerd's create error when the binary cannot be run: a path is checked as is, a bare
 * name is looked up in PATH (as Go's exec does).
 */
export function checkRuntimeBinary(binary: string, bundle: string): void {
  const prefix = `failed to create shim task: OCI runtime create failed: unable to retrieve OCI runtime error (open ${path.join(bundle, 'log.json')}: no such file or directory)`;
  if (!binary.includes('/')) {
    const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
    if (dirs.some((d) => executable(path.join(d, binary)) === undefined)) return;
    throw new Error(`${prefix}: exec: ${JSON.stringify(binary)}: executable file not found in $PATH`);
  }
  const err = executable(binary);
  if (!err) return;
  const why = err.code === 'ENOENT' || err.code === 'ENOTDIR' ? 'no such file or directory' : 'permission denied';
  throw new Error(`${prefix}: fork/exec ${binary}: ${why}`);
}

/** The runtimes shim-ts serves: runc's shim v2 API with runc options (containerd-shim-runc-v1/v2's). */
export const SUPPORTED_RUNTIMES: ReadonlySet<string> = new Set(['io.containerd.runc.v2', 'io.containerd.runc.v1']);

/**
 * Refuses, at task create, a container whose runtime shim-ts does not serve: in containerd's words
 * when containerd would not find that shim either, else saying that only it would.
 */
export function checkRuntimeName(name: string): void {
  if (SUPPORTED_RUNTIMES.has(name)) return;
  const parts = name.split('.');
  if (!name.includes('/') && parts.length < 2) {
    throw new Error(`invalid runtime name ${name}, correct runtime name should be either format like \`io.containerd.runc.v1\` or a full path to the binary`);
  }
  const shim = name.includes('/') ? name : `containerd-shim-${parts[parts.length - 2]}-${parts[parts.length - 1]}`;
  const found = shim.includes('/') ? executable(shim) === undefined : (process.env.PATH ?? '').split(':').some((d) => d && executable(path.join(d, shim)) === undefined);
  if (!found) throw new Error(`failed to start shim: failed to resolve runtime path: runtime ${JSON.stringify(name)} binary not installed ${JSON.stringify(shim)}: file does not exist`);
  throw new Error(`runtime ${JSON.stringify(name)} (${shim}) is not supported by containerd-ts: use io.containerd.runc.v2`);
}
