// Local volumes: <data-root>/volumes/<name>/_data, and the volume's metadata beside it (written
// atomically). A volume outlives the containers that use it unless removed with them (rm -v, anonymous).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { badRequest, conflict, notFound } from '../http/api-error.js';
import { readJsonFile, writeFileAtomic } from '../../common/atomic-file.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** A volume's name is a directory name under the data root: no longer than the file system allows. */
const MAX_NAME = 255;

export interface VolumeMeta {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Anonymous: boolean;
}

export interface Volume extends VolumeMeta {
  Driver: 'local';
  Mountpoint: string;
  Scope: 'local';
}

export class VolumeStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o701 });
  }

  private metaFile(name: string): string {
    return path.join(this.root, name, 'volume.json');
  }

  mountpoint(name: string): string {
    return path.join(this.root, name, '_data');
  }

  /** A runtime error's text with each volume's data directory named as the volume (`volume "v1"`). */
  describeIn(message: string): string {
    const dir = `${this.root}/`;
    return message.replace(new RegExp(`"${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([a-zA-Z0-9][a-zA-Z0-9_.-]*)/_data"`, 'g'), 'volume "$1"');
  }

  private view(meta: VolumeMeta): Volume {
    return { ...meta, Driver: 'local', Mountpoint: this.mountpoint(meta.Name), Scope: 'local' };
  }

  list(): Volume[] {
    const out: Volume[] = [];
    for (const name of fs.readdirSync(this.root)) {
      const meta = readJsonFile<VolumeMeta>(this.metaFile(name));
      if (meta) out.push(this.view(meta));
    }
    return out;
  }

  find(name: string): Volume | undefined {
    if (!NAME.test(name) || name.length > MAX_NAME) return undefined;
    const meta = readJsonFile<VolumeMeta>(this.metaFile(name));
    return meta ? this.view(meta) : undefined;
  }

  get(name: string): Volume {
    const v = this.find(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  /** Creates a volume, or returns the existing one of that name (as Docker does). */
  create(opts: { name?: string; labels?: Record<string, string>; options?: Record<string, string>; anonymous?: boolean }): { volume: Volume; created: boolean } {
    const name = opts.name || randomBytes(32).toString('hex');
    if (!NAME.test(name)) throw badRequest(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
    // dockerd answers this with a 500 carrying the host path; a 400 that names the limit says more.
    if (name.length > MAX_NAME) throw badRequest(`create ${name.slice(0, 32)}…: volume name is ${name.length} characters long, at most ${MAX_NAME} are allowed`);
    const existing = this.find(name);
    if (existing) return { volume: existing, created: false };
    for (const k of Object.keys(opts.options ?? {})) {
      if (!['type', 'device', 'o', 'size'].includes(k)) throw badRequest(`create ${name}: invalid option key: "${k}"`);
    }
    fs.mkdirSync(this.mountpoint(name), { recursive: true, mode: 0o755 });
    const meta: VolumeMeta = { Name: name, CreatedAt: new Date().toISOString(), Labels: opts.labels ?? {}, Options: opts.options ?? {}, Anonymous: opts.anonymous ?? false };
    writeFileAtomic(this.metaFile(name), JSON.stringify(meta));
    return { volume: this.view(meta), created: true };
  }

  /** Removes a volume that no container uses (the caller says which do). */
  remove(name: string, usedBy: readonly string[], force = false): void {
    if (!this.find(name)) {
      if (force) return;
      throw notFound(`get ${name}: no such volume`);
    }
    if (usedBy.length) throw conflict(`remove ${name}: volume is in use - [${usedBy.join(', ')}]`);
    fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
  }

  isEmpty(name: string): boolean {
    try {
      return fs.readdirSync(this.mountpoint(name)).length === 0;
    } catch {
      return true;
    }
  }

  /** Bytes used under a volume (system df); -1 when it cannot be read. */
  usage(name: string): number {
    let total = 0;
    const walk = (p: string): void => {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) {
        const full = path.join(p, e.name);
        if (e.isDirectory()) walk(full);
        else total += fs.lstatSync(full).size;
      }
    };
    try {
      walk(this.mountpoint(name));
      return total;
    } catch {
      return -1;
    }
  }
}
