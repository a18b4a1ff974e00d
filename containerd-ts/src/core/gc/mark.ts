// Garbage collection marking, as containerd does it: roots (images, containers, live leases,
// resources labelled gc.root) reach content and snapshots through references, including the
// `containerd.io/gc.ref.*` labels clients put on content and snapshots. What is not reached is garbage.
export type NodeType = 'content' | 'snapshot';

export interface GcNode {
  type: NodeType;
  namespace: string;
  /** A digest for content; `snapshotter/key` for a snapshot. */
  id: string;
}

export const GC_ROOT_LABEL = 'containerd.io/gc.root';
const CONTENT_REF = 'containerd.io/gc.ref.content';
const SNAPSHOT_REF = 'containerd.io/gc.ref.snapshot.';

export function nodeKey(n: GcNode): string {
  return `${n.type}\x1f${n.namespace}\x1f${n.id}`;
}

/** The references a set of labels makes, in one namespace. */
export function labelRefs(namespace: string, labels: Record<string, string>): GcNode[] {
  const out: GcNode[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === CONTENT_REF || k.startsWith(CONTENT_REF + '.') || k.startsWith(CONTENT_REF + '/')) {
      out.push({ type: 'content', namespace, id: v });
    } else if (k.startsWith(SNAPSHOT_REF)) {
      // `containerd.io/gc.ref.snapshot.<snapshotter>[/<anything>]`
      const snapshotter = k.slice(SNAPSHOT_REF.length).split('/')[0] as string;
      if (snapshotter !== '') out.push({ type: 'snapshot', namespace, id: `${snapshotter}/${v}` });
    }
  }
  return out;
}

/** Everything reachable from the roots. */
export function mark(roots: Iterable<GcNode>, refs: (n: GcNode) => Iterable<GcNode>): Set<string> {
  const seen = new Set<string>();
  const stack: GcNode[] = [...roots];
  while (stack.length > 0) {
    const n = stack.pop() as GcNode;
    const k = nodeKey(n);
    if (seen.has(k)) continue;
    seen.add(k);
    for (const r of refs(n)) if (!seen.has(nodeKey(r))) stack.push(r);
  }
  return seen;
}
