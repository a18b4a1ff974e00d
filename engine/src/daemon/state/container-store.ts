// The engine's containers on disk: <data-root>/containers/<id>/config.v2.json (written atomically),
// loaded at start-up, with the names index kept in memory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { badRequest, conflict, noSuchContainer } from '../http/api-error.js';
import { readJsonFile, writeFileAtomic } from '../../common/atomic-file.js';
import type { ContainerRecord } from './container-record.js';

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const CONFIG_FILE = 'config.v2.json';
const RETRY_MS = 1000;

export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>();
  private readonly names = new Map<string, string>();
  private readonly unsaved = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o710 });
  }

  dir(id: string): string {
    return path.join(this.root, id);
  }

  /** Reads every container; a directory without a readable config (a create cut short) is removed. */
  load(onBroken: (id: string, err: unknown) => void): ContainerRecord[] {
    for (const id of fs.readdirSync(this.root)) {
      if (!/^[a-f0-9]{64}$/.test(id)) continue;
      try {
        const rec = readJsonFile<ContainerRecord>(path.join(this.root, id, CONFIG_FILE));
        if (!rec) {
          fs.rmSync(this.dir(id), { recursive: true, force: true });
          continue;
        }
        this.byId.set(id, rec);
        this.names.set(rec.Name, id);
      } catch (err) {
        onBroken(id, err);
      }
    }
    return this.all();
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  save(rec: ContainerRecord): void {
    fs.mkdirSync(this.dir(rec.ID), { recursive: true, mode: 0o710 });
    writeFileAtomic(path.join(this.dir(rec.ID), CONFIG_FILE), JSON.stringify(rec));
    this.byId.set(rec.ID, rec);
    this.unsaved.delete(rec.ID);
  }

  /**
   * For state changes that already happened (a signal sent, an exit seen): the record in memory
   * takes the change at once; a write that fails (a full disk) is reported and retried every
   * RETRY_MS until it lands, so the action never waits on, or fails for, the disk.
   */
  saveOrRetry(rec: ContainerRecord, report: (id: string, err: unknown) => void): void {
    this.byId.set(rec.ID, rec);
    try {
      this.save(rec);
    } catch (err) {
      if (!this.unsaved.has(rec.ID)) report(rec.ID, err);
      this.unsaved.add(rec.ID);
      this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      for (const id of this.unsaved) {
        const rec = this.byId.get(id);
        if (!rec) {
          this.unsaved.delete(id);
          continue;
        }
        try {
          this.save(rec);
        } catch {
          // still failing: reported once already
        }
      }
      if (this.unsaved.size) this.retryLater();
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  /** By full ID, name (with or without the slash) or unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const byName = this.names.get(ref.startsWith('/') ? ref : `/${ref}`);
    if (byName) return this.byId.get(byName);
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const hits = [...this.byId.keys()].filter((id) => id.startsWith(ref));
    if (hits.length > 1) throw badRequest(`multiple IDs found with provided prefix: ${ref}`);
    return hits[0] === undefined ? undefined : this.byId.get(hits[0]);
  }

  get(ref: string): ContainerRecord {
    const c = this.find(ref);
    if (!c) throw noSuchContainer(ref);
    return c;
  }

  /** Claims a name for a container; a taken name is Docker's 409 conflict. */
  reserveName(name: string, id: string): string {
    const full = name.startsWith('/') ? name : `/${name}`;
    if (!NAME.test(full)) throw badRequest(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const owner = this.names.get(full);
    if (owner !== undefined && owner !== id) {
      throw conflict(`Conflict. The container name "${full}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
    this.names.set(full, id);
    return full;
  }

  releaseName(name: string): void {
    this.names.delete(name);
  }

  remove(id: string): void {
    const rec = this.byId.get(id);
    if (rec && this.names.get(rec.Name) === id) this.names.delete(rec.Name);
    this.byId.delete(id);
    this.unsaved.delete(id);
    fs.rmSync(this.dir(id), { recursive: true, force: true });
  }
}
