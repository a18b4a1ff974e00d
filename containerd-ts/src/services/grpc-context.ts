// What every gRPC adapter shares: the request's namespace and lease from headers, turning core errors
// into gRPC status codes, and conversions between protobuf messages and stored records.
import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromMs, TimestampSchema, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Code, GrpcError, type CallContext } from '@stack/proto';
import { StackError, type ErrorKind } from '../core/errdefs.js';
import { LEASE_HEADER, NAMESPACE_HEADER, requireNamespace, type Ctx } from '../core/namespaces/context.js';
import type { AnyRecord, DescriptorRecord } from '../core/metadata/records.js';

const CODES: Record<ErrorKind, Code> = {
  'not-found': Code.NOT_FOUND,
  'already-exists': Code.ALREADY_EXISTS,
  'invalid-argument': Code.INVALID_ARGUMENT,
  'failed-precondition': Code.FAILED_PRECONDITION,
  unavailable: Code.UNAVAILABLE,
  aborted: Code.ABORTED,
  'out-of-range': Code.OUT_OF_RANGE,
  unauthenticated: Code.UNAUTHENTICATED,
  'permission-denied': Code.PERMISSION_DENIED,
  'not-implemented': Code.UNIMPLEMENTED,
};

export function toGrpcError(err: unknown): unknown {
  if (err instanceof StackError) return new GrpcError(CODES[err.kind], err.message);
  return err;
}

/** The namespaced context of a call; fails when the namespace header is missing. */
export function ctxOf(call: CallContext): Ctx {
  try {
    const ctx: Ctx = { namespace: requireNamespace(call.header(NAMESPACE_HEADER)) };
    const lease = call.header(LEASE_HEADER);
    if (lease) ctx.lease = lease;
    return ctx;
  } catch (err) {
    throw toGrpcError(err);
  }
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === 'object' && v !== null && Symbol.asyncIterator in v;
}

async function* mapStreamErrors<T>(it: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* it;
  } catch (err) {
    throw toGrpcError(err);
  }
}

/** Wraps every handler of a service implementation so core errors reach clients as status codes. */
export function guarded<T extends object>(impl: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    if (typeof fn !== 'function') continue;
    out[name] = (...args: unknown[]) => {
      let res: unknown;
      try {
        res = (fn as (...a: unknown[]) => unknown).apply(impl, args);
      } catch (err) {
        throw toGrpcError(err);
      }
      if (res instanceof Promise) return res.catch((err: unknown) => Promise.reject(toGrpcError(err)));
      if (isAsyncIterable(res)) return mapStreamErrors(res);
      return res;
    };
  }
  return out as T;
}

export function ts(ms: number): Timestamp {
  return timestampFromMs(ms);
}

export function tsDate(d: Date): Timestamp {
  return timestampFromMs(d.getTime());
}

/** A timestamp from nanoseconds since the epoch, all of them kept. */
export function tsNs(ns: bigint): Timestamp {
  return create(TimestampSchema, { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) });
}

export function msOf(t: Timestamp | undefined): number | undefined {
  return t ? timestampDate(t).getTime() : undefined;
}

export interface DescriptorMsg {
  mediaType: string;
  digest: string;
  size: bigint;
  annotations: Record<string, string>;
}

export function descriptorToMsg(d: DescriptorRecord): DescriptorMsg {
  return { mediaType: d.mediaType, digest: d.digest, size: BigInt(d.size), annotations: d.annotations };
}

export function descriptorFromMsg(d: DescriptorMsg | undefined): DescriptorRecord {
  if (!d) return { mediaType: '', digest: '', size: 0, annotations: {} };
  return { mediaType: d.mediaType, digest: d.digest, size: Number(d.size), annotations: { ...d.annotations } };
}

export function anyFromMsg(a: { typeUrl: string; value: Uint8Array } | undefined): AnyRecord | undefined {
  return a ? { typeUrl: a.typeUrl, value: a.value } : undefined;
}

export function paths(mask: { paths: string[] } | undefined): string[] {
  return mask?.paths ?? [];
}

export function notImplemented(what: string): GrpcError {
  return new GrpcError(Code.UNIMPLEMENTED, `${what}: not implemented`);
}
