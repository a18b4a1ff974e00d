// Errors that answer a request with Docker's status code and body ({"message": "..."}).
import { Code, GrpcError } from '@stack/proto';
import { NetworkError } from '../../network/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (m: string): ApiError => new ApiError(400, m);
export const notFound = (m: string): ApiError => new ApiError(404, m);
export const conflict = (m: string): ApiError => new ApiError(409, m);
export const notModified = (): ApiError => new ApiError(304, '');
export const serverError = (m: string): ApiError => new ApiError(500, m);

export const noSuchContainer = (name: string): ApiError => notFound(`No such container: ${name}`);
export const noSuchImage = (name: string): ApiError => notFound(`No such image: ${name}`);

const GRPC_STATUS: Partial<Record<number, number>> = {
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.INVALID_ARGUMENT]: 400,
  [Code.FAILED_PRECONDITION]: 409,
  [Code.UNAVAILABLE]: 503,
  [Code.UNIMPLEMENTED]: 501,
  [Code.PERMISSION_DENIED]: 403,
  [Code.UNAUTHENTICATED]: 401,
};

/** Networking's errors carry the status Docker answers with. */
export function fromNetworkError(err: unknown): ApiError | undefined {
  return err instanceof NetworkError ? new ApiError(err.status, err.message) : undefined;
}

/** The HTTP status and message for whatever a handler threw. */
export function statusOf(err: unknown): { status: number; message: string } {
  if (err instanceof ApiError || err instanceof NetworkError) return { status: err.status, message: err.message };
  if (err instanceof GrpcError) return { status: GRPC_STATUS[err.code] ?? 500, message: err.message };
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}
