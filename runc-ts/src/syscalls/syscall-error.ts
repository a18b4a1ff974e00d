import { getSystemErrorMap } from 'node:util';

const errnoNames = getSystemErrorMap();

/** A failed system call, with the errno's name and text (`mount proc on /x/proc: EPERM: operation not permitted`). */
export class SyscallError extends Error {
  readonly errno: number;
  readonly code: string;
  constructor(
    readonly syscall: string,
    errno: number,
    detail = '',
  ) {
    const [code, text] = errnoNames.get(-errno) ?? [`E${errno}`, `errno ${errno}`];
    super(`${syscall}${detail ? ` ${detail}` : ''}: ${code}: ${text}`);
    this.name = 'SyscallError';
    this.errno = errno;
    this.code = code;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof SyscallError ? err.code === code : (err as NodeJS.ErrnoException)?.code === code;
}
