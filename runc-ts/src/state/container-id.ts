// Container ids, checked before any path is built from one. runc 1.1's rule: the id matches
// `^[\w+-\.]+$` (Go reads `+-\.` as the range '+'..'.', so ',' is allowed too) and equals its own
// cleaned path, which rules out '.' and '..'. Anything else could name a directory outside --root.

const ID_RE = /^[\w+,\-.]+$/;

export class InvalidIdError extends Error {
  constructor(readonly id: string) {
    super(id === '' ? 'container id cannot be empty' : 'invalid container ID format');
    this.name = 'InvalidIdError';
  }
}

export function isValidId(id: string): boolean {
  return typeof id === 'string' && ID_RE.test(id) && id !== '.' && id !== '..';
}

/** Throws runc's `invalid container ID format` (or, for '', `container id cannot be empty`) unless `id` is a safe, single path component. */
export function validateId(id: string): void {
  if (!isValidId(id)) throw new InvalidIdError(id);
}
