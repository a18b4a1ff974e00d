// Packs event messages the way containerd's typeurl does for protobuf types: the type URL is the
// message's full name without a host prefix (e.g. `containerd.events.ImageCreate`), which is what
// stock clients look up when they decode an envelope.
import { create, toBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import type { AnyRecord } from '../metadata/records.js';

export function packEvent<M extends DescMessage>(schema: M, init: MessageInitShape<M>): AnyRecord {
  return { typeUrl: schema.typeName, value: toBinary(schema, create(schema, init)) };
}
