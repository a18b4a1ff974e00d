// Handler and client shapes derived from protobuf-es service descriptors, per method kind.
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { Metadata } from '@grpc/grpc-js';

export type MethodsOf<S> = S extends GenService<infer M> ? M : never;

export interface CallContext {
  /** Request metadata (headers) as sent by the client. */
  readonly metadata: Metadata;
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly peer: string;
  /** First value of a request header, e.g. `containerd-namespace`. */
  header(name: string): string | undefined;
}

type Init<M extends DescMessage> = MessageInitShape<M>;
type Shape<M extends DescMessage> = MessageShape<M>;
type Awaitable<T> = T | Promise<T>;

export type Handler<X> = X extends { methodKind: 'unary'; input: infer I extends DescMessage; output: infer O extends DescMessage }
  ? (request: Shape<I>, ctx: CallContext) => Awaitable<Init<O>>
  : X extends { methodKind: 'server_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
    ? (request: Shape<I>, ctx: CallContext) => AsyncIterable<Init<O>>
    : X extends { methodKind: 'client_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
      ? (requests: AsyncIterable<Shape<I>>, ctx: CallContext) => Awaitable<Init<O>>
      : X extends { methodKind: 'bidi_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
        ? (requests: AsyncIterable<Shape<I>>, ctx: CallContext) => AsyncIterable<Init<O>>
        : never;

/** An implementation of a service; methods left out answer UNIMPLEMENTED. */
export type ServiceImpl<M extends GenServiceMethods> = { [K in keyof M]?: Handler<M[K]> };

export interface CallOptions {
  metadata?: Record<string, string> | Metadata;
  signal?: AbortSignal;
  /** Milliseconds from now, or an absolute Date. */
  deadline?: number | Date;
}

export type ClientMethod<X> = X extends { methodKind: 'unary'; input: infer I extends DescMessage; output: infer O extends DescMessage }
  ? (request: Init<I>, options?: CallOptions) => Promise<Shape<O>>
  : X extends { methodKind: 'server_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
    ? (request: Init<I>, options?: CallOptions) => AsyncIterable<Shape<O>>
    : X extends { methodKind: 'client_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
      ? (requests: AsyncIterable<Init<I>> | Iterable<Init<I>>, options?: CallOptions) => Promise<Shape<O>>
      : X extends { methodKind: 'bidi_streaming'; input: infer I extends DescMessage; output: infer O extends DescMessage }
        ? (requests: AsyncIterable<Init<I>> | Iterable<Init<I>>, options?: CallOptions) => AsyncIterable<Shape<O>>
        : never;

export type Client<M extends GenServiceMethods> = { [K in keyof M]: ClientMethod<M[K]> };
