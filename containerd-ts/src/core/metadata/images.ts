// Image records: a name pointing at a root descriptor, per namespace.
import { alreadyExists, failedPrecondition, invalidArgument, isAlreadyExists, notFound } from '../errdefs.js';
import { isDigest } from '../digest.js';
import { labelField, parseFilters } from '../filters/filter.js';
import { packEvent } from '../events/any.js';
import type { Publisher } from '../events/exchange.js';
import type { Ctx } from '../namespaces/context.js';
import { ImageCreateSchema, ImageDeleteSchema, ImageUpdateSchema } from '@stack/proto/gen/containerd/events/image_pb';
import { key, type MetadataDB } from './db.js';
import { applyLabelPaths, compactLabels, validateLabels } from './labels.js';
import type { NamespaceStore } from './namespaces.js';
import type { DescriptorRecord, ImageRecord } from './records.js';

export interface ImageInput {
  name: string;
  labels: Record<string, string>;
  target: DescriptorRecord;
}

function validate(img: ImageInput): void {
  if (img.name === '') throw invalidArgument('image name must not be empty');
  if (!isDigest(img.target.digest)) throw invalidArgument(`image ${img.name}: invalid target digest ${JSON.stringify(img.target.digest)}`);
  if (img.target.mediaType === '') throw invalidArgument(`image ${img.name}: target media type must not be empty`);
  validateLabels(img.labels);
}

export function imageField(img: ImageRecord, fp: string[]): string | undefined {
  switch (fp[0]) {
    case 'name':
      return img.name;
    case 'target':
      if (fp[1] === 'digest') return img.target.digest;
      if (fp[1] === 'mediatype') return img.target.mediaType;
      return undefined;
    case 'labels':
      return labelField(img.labels, fp);
    default:
      return undefined;
  }
}

export class ImageStore {
  constructor(
    private readonly db: MetadataDB,
    private readonly namespaces: NamespaceStore,
    private readonly events: Publisher,
  ) {}

  get(ctx: Ctx, name: string): ImageRecord {
    const rec = this.db.t.images.get(key(ctx.namespace, name));
    if (!rec) throw notFound(`image "${name}"`);
    return rec;
  }

  list(ctx: Ctx, filters: readonly string[] = []): ImageRecord[] {
    const f = parseFilters(filters);
    const out: ImageRecord[] = [];
    for (const { value } of this.db.range(this.db.t.images, ctx.namespace)) if (f((fp) => imageField(value, fp))) out.push(value);
    return out;
  }

  create(ctx: Ctx, input: ImageInput): ImageRecord {
    const img = { ...input, labels: compactLabels(input.labels) };
    validate(img);
    const now = Date.now();
    const rec: ImageRecord = { ...img, createdAt: now, updatedAt: now };
    this.db.tx(() => {
      const k = key(ctx.namespace, img.name);
      if (this.db.t.images.get(k) !== undefined) throw alreadyExists(`image "${img.name}"`);
      this.namespaces.ensure(ctx.namespace);
      this.db.t.images.putSync(k, rec);
    });
    this.events.publish(ctx.namespace, '/images/create', packEvent(ImageCreateSchema, { name: rec.name, labels: rec.labels }));
    return rec;
  }

  /** Create, or replace the target and labels of an existing image (what a pull does). */
  put(ctx: Ctx, input: ImageInput): ImageRecord {
    try {
      return this.create(ctx, input);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      return this.update(ctx, input, ['target', 'labels']);
    }
  }

  update(ctx: Ctx, input: ImageInput, paths: readonly string[]): ImageRecord {
    const rec = this.db.tx(() => {
      const cur = this.get(ctx, input.name);
      const all = paths.length ? paths : ['labels', 'target'];
      const { labels, rest } = applyLabelPaths(cur.labels, input.labels, all);
      const next: ImageRecord = { ...cur, labels, updatedAt: Date.now() };
      for (const p of rest) {
        if (p === 'target') next.target = input.target;
        else if (p === 'annotations' || p.startsWith('annotations.')) next.target = { ...next.target, annotations: input.target.annotations };
        else throw failedPrecondition(`image ${input.name}: cannot update ${p}`);
      }
      validate(next);
      this.db.t.images.putSync(key(ctx.namespace, input.name), next);
      return next;
    });
    this.events.publish(ctx.namespace, '/images/update', packEvent(ImageUpdateSchema, { name: rec.name, labels: rec.labels }));
    return rec;
  }

  delete(ctx: Ctx, name: string): void {
    this.db.tx(() => {
      if (!this.db.t.images.removeSync(key(ctx.namespace, name))) throw notFound(`image "${name}"`);
    });
    this.events.publish(ctx.namespace, '/images/delete', packEvent(ImageDeleteSchema, { name }));
  }
}
