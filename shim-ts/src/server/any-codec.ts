// The Any payloads of the task API: runtime-spec JSON (exec process, resources) and runc options.
import { fromBinary } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import type { Any } from '@bufbuild/protobuf/wkt';
import { GrpcError } from '@stack/proto';
import { OptionsSchema } from '@stack/proto/gen/containerd/runc/v1/options_pb';
import type { RuntimeOptions } from '../task/task-manager.js';

/** runtime-spec objects travel as JSON inside an Any (types.containerd.io/opencontainers/runtime-spec/1/…). */
export function jsonFromAny(any: Any | undefined, what: string): unknown {
  if (!any || any.value.length === 0) throw GrpcError.invalidArgument(`${what} is missing`);
  try {
    return JSON.parse(Buffer.from(any.value).toString('utf8'));
  } catch (err) {
    throw GrpcError.invalidArgument(`${what} (${any.typeUrl}) is not valid JSON: ${(err as Error).message}`);
  }
}

/** containerd.runc.v1.Options of a Create, if the client sent them. */
export function runtimeOptionsFromAny(any: Any | undefined): RuntimeOptions {
  if (!any || !any.typeUrl) return {};
  const opts = any.typeUrl.endsWith('containerd.runc.v1.Options') ? anyUnpack(any, OptionsSchema) ?? fromBinary(OptionsSchema, any.value) : undefined;
  if (!opts) return {};
  const out: RuntimeOptions = { noPivot: opts.noPivotRoot, noNewKeyring: opts.noNewKeyring };
  if (opts.binaryName) out.binaryName = opts.binaryName;
  if (opts.root) out.root = opts.root;
  return out;
}
