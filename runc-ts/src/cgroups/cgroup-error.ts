/** A cgroup could not be created, configured or removed; names the file and the value. */
export class CgroupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupError';
  }
}
