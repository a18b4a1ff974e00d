/** A seccomp profile that cannot be turned into a filter; the message names the field (`linux.seccomp.syscalls[3]: …`). */
export class SeccompError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeccompError';
  }
}
