// Error kinds shared by every store and service, mirroring containerd's errdefs; services map them to
// gRPC status codes, so core code never imports gRPC.
export type ErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'invalid-argument'
  | 'failed-precondition'
  | 'unavailable'
  | 'aborted'
  | 'out-of-range'
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-implemented';

export class StackError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StackError';
  }
}

export const notFound = (what: string): StackError => new StackError('not-found', `${what}: not found`);
export const alreadyExists = (what: string): StackError => new StackError('already-exists', `${what}: already exists`);
export const invalidArgument = (message: string): StackError => new StackError('invalid-argument', message);
export const failedPrecondition = (message: string): StackError => new StackError('failed-precondition', message);
export const unavailable = (message: string): StackError => new StackError('unavailable', message);
export const notImplemented = (message: string): StackError => new StackError('not-implemented', message);

export function isKind(err: unknown, kind: ErrorKind): boolean {
  return err instanceof StackError && err.kind === kind;
}

export function isNotFound(err: unknown): boolean {
  return isKind(err, 'not-found');
}

export function isAlreadyExists(err: unknown): boolean {
  return isKind(err, 'already-exists');
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
