// The request context every namespaced operation takes: which namespace, and the lease (if any)
// that new resources are added to. Both travel in gRPC headers, as containerd's clients send them.
import { failedPrecondition, invalidArgument } from '../errdefs.js';

export const NAMESPACE_HEADER = 'containerd-namespace';
export const LEASE_HEADER = 'containerd-lease';
export const DEFAULT_NAMESPACE = 'default';

export interface Ctx {
  namespace: string;
  lease?: string;
}

const IDENTIFIER = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/;
const MAX_IDENTIFIER = 76;

/** containerd's identifier rule, used for namespaces, container ids and lease ids. */
export function validateIdentifier(kind: string, s: string): string {
  if (s === '') throw invalidArgument(`${kind}: identifier must not be empty`);
  if (s.length > MAX_IDENTIFIER) throw invalidArgument(`${kind} ${JSON.stringify(s)}: identifier longer than ${MAX_IDENTIFIER} characters`);
  if (!IDENTIFIER.test(s)) throw invalidArgument(`${kind} ${JSON.stringify(s)}: identifier must match ${IDENTIFIER.source}`);
  return s;
}

export function requireNamespace(ns: string | undefined): string {
  if (ns === undefined || ns === '') throw failedPrecondition(`namespace is required: set the ${NAMESPACE_HEADER} header`);
  return validateIdentifier('namespace', ns);
}
