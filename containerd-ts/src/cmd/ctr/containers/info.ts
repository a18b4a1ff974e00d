// ctr-ts containers info ID: the record as JSON (the spec decoded when it is JSON).
import type { CommandModule } from 'yargs';
import type { Container } from '@stack/proto/gen/containerd/services/containers/v1/containers_pb';
import { json, out, time, withClient, type GlobalArgs } from '../common.js';

function decodeAny(a: { typeUrl: string; value: Uint8Array } | undefined): unknown {
  if (!a) return undefined;
  try {
    return JSON.parse(Buffer.from(a.value).toString('utf8'));
  } catch {
    return { typeUrl: a.typeUrl, value: Buffer.from(a.value).toString('base64') };
  }
}

export function containerJson(c: Container): unknown {
  return {
    ID: c.id,
    Labels: c.labels,
    Image: c.image,
    Runtime: { Name: c.runtime?.name ?? '', Options: c.runtime?.options ? { typeUrl: c.runtime.options.typeUrl } : undefined },
    SnapshotKey: c.snapshotKey,
    Snapshotter: c.snapshotter,
    CreatedAt: time(c.createdAt),
    UpdatedAt: time(c.updatedAt),
    Extensions: Object.fromEntries(Object.entries(c.extensions).map(([k, v]) => [k, { typeUrl: v.typeUrl }])),
    Spec: decodeAny(c.spec),
  };
}

export const containersInfo: CommandModule<GlobalArgs, GlobalArgs & { id: string }> = {
  command: 'info <id>',
  describe: 'show a container record',
  builder: (y) => y.positional('id', { type: 'string', demandOption: true }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { container } = await c.containers.get({ id: argv.id });
      if (container) out(json(containerJson(container)));
    }),
};
