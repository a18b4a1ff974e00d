// Container records (what to run, on which snapshot). Tasks (issue 6) start processes from them.
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from '../errdefs.js';
import { labelField, parseFilters } from '../filters/filter.js';
import { packEvent } from '../events/any.js';
import type { Publisher } from '../events/exchange.js';
import { validateIdentifier, type Ctx } from '../namespaces/context.js';
import { ContainerCreateSchema, ContainerDeleteSchema, ContainerUpdateSchema } from '@stack/proto/gen/containerd/events/container_pb';
import { key, type MetadataDB } from './db.js';
import { applyLabelPaths, compactLabels, validateLabels } from './labels.js';
import type { NamespaceStore } from './namespaces.js';
import type { ContainerRecord } from './records.js';

export type ContainerInput = Omit<ContainerRecord, 'createdAt' | 'updatedAt'>;

export function containerField(c: ContainerRecord, fp: string[]): string | undefined {
  switch (fp[0]) {
    case 'id':
      return c.id;
    case 'image':
      return c.image;
    case 'runtime':
      return fp[1] === 'name' ? c.runtime.name : undefined;
    case 'snapshotter':
      return c.snapshotter;
    case 'labels':
      return labelField(c.labels, fp);
    default:
      return undefined;
  }
}

export class ContainerStore {
  constructor(
    private readonly db: MetadataDB,
    private readonly namespaces: NamespaceStore,
    private readonly events: Publisher,
  ) {}

  get(ctx: Ctx, id: string): ContainerRecord {
    const rec = this.db.t.containers.get(key(ctx.namespace, id));
    if (!rec) throw notFound(`container "${id}"`);
    return rec;
  }

  list(ctx: Ctx, filters: readonly string[] = []): ContainerRecord[] {
    const f = parseFilters(filters);
    const out: ContainerRecord[] = [];
    for (const { value } of this.db.range(this.db.t.containers, ctx.namespace)) if (f((fp) => containerField(value, fp))) out.push(value);
    return out;
  }

  create(ctx: Ctx, input: ContainerInput): ContainerRecord {
    validateIdentifier('container', input.id);
    if (input.runtime.name === '') throw invalidArgument(`container ${input.id}: must specify a runtime name`);
    if (!input.spec) throw invalidArgument(`container ${input.id}: must specify a spec`);
    if (input.snapshotKey !== '' && input.snapshotter === '') throw invalidArgument(`container ${input.id}: snapshot key given without a snapshotter`);
    const now = Date.now();
    const rec: ContainerRecord = { ...input, labels: validateLabels(compactLabels(input.labels)), createdAt: now, updatedAt: now };
    this.db.tx(() => {
      const k = key(ctx.namespace, input.id);
      if (this.db.t.containers.get(k) !== undefined) throw alreadyExists(`container "${input.id}"`);
      this.namespaces.ensure(ctx.namespace);
      this.db.t.containers.putSync(k, rec);
    });
    const ev: { id: string; image: string; runtime: { name: string; options?: { typeUrl: string; value: Uint8Array } } } = { id: rec.id, image: rec.image, runtime: { name: rec.runtime.name } };
    if (rec.runtime.options) ev.runtime.options = rec.runtime.options;
    this.events.publish(ctx.namespace, '/containers/create', packEvent(ContainerCreateSchema, ev));
    return rec;
  }

  update(ctx: Ctx, input: ContainerInput, paths: readonly string[]): ContainerRecord {
    const rec = this.db.tx(() => {
      const cur = this.get(ctx, input.id);
      const all = paths.length ? paths : ['labels', 'spec', 'extensions', 'image', 'snapshotkey'];
      const { labels, rest } = applyLabelPaths(cur.labels, input.labels, all);
      const next: ContainerRecord = { ...cur, labels, updatedAt: Date.now() };
      for (const p of rest) {
        if (p === 'spec') {
          if (!input.spec) throw invalidArgument(`container ${input.id}: spec must not be removed`);
          next.spec = input.spec;
        } else if (p === 'extensions') next.extensions = input.extensions;
        else if (p.startsWith('extensions.')) {
          const k = p.slice('extensions.'.length);
          const v = input.extensions[k];
          next.extensions = { ...next.extensions };
          if (v) next.extensions[k] = v;
          else delete next.extensions[k];
        } else if (p === 'image') next.image = input.image;
        else if (p === 'snapshotkey') next.snapshotKey = input.snapshotKey;
        else if (p === 'runtime') {
          if (input.runtime.name !== cur.runtime.name) throw invalidArgument(`container ${input.id}: runtime name cannot be changed`);
          next.runtime = input.runtime;
        } else throw failedPrecondition(`container ${input.id}: cannot update ${p}`);
      }
      this.db.t.containers.putSync(key(ctx.namespace, input.id), next);
      return next;
    });
    this.events.publish(ctx.namespace, '/containers/update', packEvent(ContainerUpdateSchema, { id: rec.id, image: rec.image, labels: rec.labels, snapshotKey: rec.snapshotKey }));
    return rec;
  }

  delete(ctx: Ctx, id: string): void {
    this.db.tx(() => {
      if (!this.db.t.containers.removeSync(key(ctx.namespace, id))) throw notFound(`container "${id}"`);
    });
    this.events.publish(ctx.namespace, '/containers/delete', packEvent(ContainerDeleteSchema, { id }));
  }
}
