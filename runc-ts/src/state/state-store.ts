// Containers' state under --root: <root>/<id>/state.json, written atomically, plus the exec FIFO.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig } from '../spec/config.js';
import { writeFileAtomic } from './atomic-write.js';
import { isValidId, validateId } from './container-id.js';

export const DEFAULT_ROOT = '/run/runc-ts';

export interface ContainerState {
  ociVersion: string;
  id: string;
  /** Host pid of the container's init process. */
  pid: number;
  bundle: string;
  annotations: Record<string, string>;
  /** ISO 8601 creation time. */
  created: string;
  owner: string;
  /** The init's start time (field 22 of /proc/<pid>/stat), to tell it from a reused pid. */
  initStartTime: string;
  cgroupPaths: Record<string, string>;
  /** /proc/<pid>/ns/… paths as recorded at create (for exec and `state`). */
  namespacePaths: Record<string, string>;
  config: ContainerConfig;
  /** True when runc-ts created the network namespace etc. with --no-pivot, for exec to match. */
  noPivot: boolean;
  /** Mounts create made on the host (a container without a mount namespace), detached on delete. */
  hostMounts?: string[];
}

export class StateStore {
  constructor(readonly root: string = DEFAULT_ROOT) {}

  /** The container's own directory; every path built from an id goes through here. */
  dir(id: string): string {
    validateId(id);
    return path.join(this.root, id);
  }

  execFifo(id: string): string {
    return path.join(this.dir(id), 'exec.fifo');
  }

  /** Claims the id by creating its directory; fails if a container with this id exists. */
  claim(id: string): void {
    fs.mkdirSync(this.root, { recursive: true, mode: 0o711 });
    try {
      fs.mkdirSync(this.dir(id), { mode: 0o711 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`container with id exists: ${id}`);
      throw err;
    }
  }

  save(state: ContainerState): void {
    writeFileAtomic(path.join(this.dir(state.id), 'state.json'), JSON.stringify(state));
  }

  load(id: string): ContainerState {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir(id), 'state.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ContainerNotFound(id);
      throw err;
    }
    return JSON.parse(text) as ContainerState;
  }

  exists(id: string): boolean {
    return fs.existsSync(path.join(this.dir(id), 'state.json'));
  }

  list(): string[] {
    try {
      return fs
        .readdirSync(this.root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && isValidId(e.name) && fs.existsSync(path.join(this.root, e.name, 'state.json')))
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Removes the container's state dir, and never anything but a direct child of the root. */
  remove(id: string): void {
    const dir = this.dir(id);
    if (path.dirname(path.resolve(dir)) !== path.resolve(this.root)) throw new Error(`refusing to remove ${dir}: not inside ${this.root}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export class ContainerNotFound extends Error {
  constructor(readonly id: string) {
    super(`container does not exist: ${id}`);
    this.name = 'ContainerNotFound';
  }
}
