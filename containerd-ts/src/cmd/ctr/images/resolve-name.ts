// Image names on the command line: the exact stored name, else its Docker-normalized form.
import { hasCode, Status } from '../../../client/light-channel.js';
import { formatReference, parseNormalized } from '../../../core/images/reference.js';
import type { StackClient } from '../../../client/client.js';

export function normalizedName(name: string): string {
  try {
    return formatReference(parseNormalized(name));
  } catch {
    return name;
  }
}

export async function findImageName(c: StackClient, name: string): Promise<string> {
  try {
    await c.images.get({ name });
    return name;
  } catch (err) {
    if (!hasCode(err, Status.NOT_FOUND)) throw err;
    const n = normalizedName(name);
    if (n === name) throw err;
    await c.images.get({ name: n });
    return n;
  }
}

/** Reads a whole (small) blob through the content service. */
export async function readBlob(c: StackClient, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const r of c.content.read({ digest })) parts.push(Buffer.from(r.data));
  return Buffer.concat(parts);
}
