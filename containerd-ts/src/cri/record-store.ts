// Pod sandboxes and containers as the CRI service records them: one JSON file per object under the
// plugin's root, written temp-fsync-rename so a crash leaves the old or the new record, never half.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/sys/atomic-file.js';
import { invalidArgument, notFound } from '../core/errdefs.js';

export interface SandboxRecord {
  id: string;
  metadata: { name: string; uid: string; namespace: string; attempt: number };
  /** Unix nanoseconds, as a decimal string. */
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hostname: string;
  logDirectory: string;
  cgroupsPath: string;
  /** The pod's own cgroup (config.linux.cgroup_parent); '' when the pod gave none. */
  cgroupParent?: string;
  hostNetwork: boolean;
  /** The pod's security context asked for privileged (its containers may then be privileged). */
  privileged?: boolean;
  /** The pod shares the node's IPC namespace. */
  hostIpc?: boolean;
  /** The pause process (its namespaces are the pod's); 0 once stopped. */
  pid: number;
  netns: string;
  ip: string;
  additionalIps: string[];
  network: string;
  image: string;
  state: 'ready' | 'notready';
}

const ID = /^[a-f0-9]{64}$/;

export class RecordStore<T extends { id: string }> {
  constructor(
    private readonly dir: string,
    /** What the records are, for messages: "pod sandbox", "container". */
    private readonly kind: string,
  ) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    if (!ID.test(id)) throw invalidArgument(`${this.kind} id ${JSON.stringify(id)} is not 64 hex digits`);
    return path.join(this.dir, `${id}.json`);
  }

  put(rec: T): void {
    writeFileAtomic(this.file(rec.id), JSON.stringify(rec));
  }

  list(): T[] {
    const out: T[] = [];
    for (const n of fs.readdirSync(this.dir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as T);
      } catch {
        // removed meanwhile
      }
    }
    return out;
  }

  /** By full id or a unique prefix (crictl shows truncated ids); undefined when none matches. */
  find(idOrPrefix: string): T | undefined {
    if (idOrPrefix === '') throw invalidArgument(`${this.kind} id must be set`);
    if (!/^[a-f0-9]{1,64}$/.test(idOrPrefix)) return undefined;
    const hits = this.list().filter((r) => r.id.startsWith(idOrPrefix));
    if (hits.length > 1) throw invalidArgument(`${this.kind} id prefix ${idOrPrefix} is ambiguous`);
    return hits[0];
  }

  get(idOrPrefix: string): T {
    const r = this.find(idOrPrefix);
    if (!r) throw notFound(`${this.kind} "${idOrPrefix}"`);
    return r;
  }

  remove(id: string): void {
    fs.rmSync(this.file(id), { force: true });
  }
}

export type SandboxStore = RecordStore<SandboxRecord>;
