// One error type for both sides of a call: servers throw it to pick a status code, clients get it back.
import { status, type ServiceError } from '@grpc/grpc-js';

export const Code = status;
export type Code = status;

export class GrpcError extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = 'GrpcError';
  }

  static notFound(what: string): GrpcError {
    return new GrpcError(Code.NOT_FOUND, `${what}: not found`);
  }
  static alreadyExists(what: string): GrpcError {
    return new GrpcError(Code.ALREADY_EXISTS, `${what}: already exists`);
  }
  static invalidArgument(message: string): GrpcError {
    return new GrpcError(Code.INVALID_ARGUMENT, message);
  }
  static failedPrecondition(message: string): GrpcError {
    return new GrpcError(Code.FAILED_PRECONDITION, message);
  }
  static unimplemented(what: string): GrpcError {
    return new GrpcError(Code.UNIMPLEMENTED, `${what}: not implemented`);
  }
}

/** Turns whatever a handler threw into what goes on the wire. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  if (process.env.STACK_GRPC_DEBUG && !(err instanceof GrpcError)) process.stderr.write(`grpc handler error: ${(err as Error)?.stack ?? String(err)}\n`);
  if (err instanceof GrpcError) return { code: err.code, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: Code.UNKNOWN, details: message };
}

/** Turns a grpc-js client error into a GrpcError carrying the server's code and message. */
export function fromServiceError(err: unknown): Error {
  const e = err as Partial<ServiceError>;
  if (typeof e?.code === 'number') return new GrpcError(e.code, e.details ?? e.message ?? 'unknown error');
  return err instanceof Error ? err : new Error(String(err));
}

export function isGrpcCode(err: unknown, code: Code): boolean {
  return err instanceof GrpcError && err.code === code;
}
