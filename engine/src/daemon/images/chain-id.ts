// containerd's image.RootFS().ChainID(): the snapshot key of a layer stack.
import { createHash } from 'node:crypto';

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

export function chainId(diffIds: readonly string[]): string | undefined {
  return chainIds(diffIds).at(-1);
}
