// The OCI container lifecycle: which operation is allowed in which status, asked in one place.
export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

export type Operation = 'start' | 'kill' | 'delete' | 'pause' | 'resume' | 'exec' | 'update';

/** Returns why `op` is not allowed in `status`, or undefined when it is. Messages follow runc's. */
export function refusal(op: Operation, status: Status, opts: { force?: boolean; ignorePaused?: boolean } = {}): string | undefined {
  switch (op) {
    case 'start':
      if (status === 'created') return undefined;
      if (status === 'stopped') return 'cannot start a container that has stopped';
      if (status === 'running' || status === 'paused') return 'cannot start an already running container';
      return `cannot start a container in the ${status} state`;
    case 'kill':
      return status === 'created' || status === 'running' || status === 'paused' ? undefined : 'container not running';
    case 'delete':
      if (status === 'stopped' || opts.force) return undefined;
      if (status === 'created') return undefined; // runc deletes a created container (kills its init)
      return `cannot delete container that is not stopped: ${status}`;
    case 'pause':
      if (status === 'running') return undefined;
      if (status === 'paused') return 'container already paused';
      return `cannot pause a container that is ${status}`;
    case 'resume':
      return status === 'paused' ? undefined : 'container not paused';
    case 'exec':
      if (status === 'running' || status === 'created') return undefined;
      if (status === 'paused' && opts.ignorePaused) return undefined;
      if (status === 'paused') return 'cannot exec in a paused container (use --ignore-paused to override)';
      return 'cannot exec in a stopped container';
    case 'update':
      return status === 'stopped' ? 'cannot update a stopped container' : undefined;
  }
}

export function canPerform(op: Operation, status: Status, opts: { force?: boolean; ignorePaused?: boolean } = {}): boolean {
  return refusal(op, status, opts) === undefined;
}
