// Errors carry the HTTP status Docker's API answers with, so engined can map them one to one.

export type NetworkErrorKind = 'invalid' | 'notFound' | 'forbidden' | 'conflict' | 'unavailable' | 'internal';

const STATUS: Record<NetworkErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  internal: 500,
  unavailable: 503,
};

export class NetworkError extends Error {
  readonly status: number;

  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
    this.status = STATUS[kind];
  }
}

export const invalid = (m: string): NetworkError => new NetworkError('invalid', m);
export const notFound = (m: string): NetworkError => new NetworkError('notFound', m);
export const forbidden = (m: string): NetworkError => new NetworkError('forbidden', m);
export const conflict = (m: string): NetworkError => new NetworkError('conflict', m);

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
