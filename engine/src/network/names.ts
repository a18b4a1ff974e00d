// Names and ids networking makes up. Host-side veth names derive from the container and network
// ids, so whoever finds a record (even one written just before a crash) knows which link to
// remove; the `ve-` prefix keeps them apart from Docker's `veth…` on a shared host.
import { createHash, randomBytes } from 'node:crypto';

export const VETH_PREFIX = 've-';

export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function hostVethName(containerId: string, networkId: string): string {
  return VETH_PREFIX + createHash('sha256').update(`${containerId}/${networkId}`).digest('hex').slice(0, 12);
}

export function bridgeNameFor(networkId: string): string {
  return `br-${networkId.slice(0, 12)}`;
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/** Docker's rule for network names. */
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Linux interface names: at most 15 bytes, no '/', ':' or whitespace. */
export function validInterfaceName(name: string): boolean {
  return name.length > 0 && name.length <= 15 && !/[/:\s]/.test(name) && name !== '.' && name !== '..';
}
