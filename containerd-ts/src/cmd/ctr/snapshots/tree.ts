// ctr-ts snapshots tree: the snapshots as a tree of parents and children, as ctr draws it (a root at
// " NAME", each level below indented two spaces more and marked "\_"). Siblings are in name order
// (ctr's order is that of a Go map, so random).
import type { CommandModule } from 'yargs';
import { out, withClient } from '../common.js';
import { withSnapshotter, type SnapArgs } from './common.js';

export function drawTree(snapshots: ReadonlyArray<{ name: string; parent: string }>): string {
  const names = new Set(snapshots.map((s) => s.name));
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const s of [...snapshots].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (s.parent === '' || !names.has(s.parent)) roots.push(s.name);
    else children.set(s.parent, [...(children.get(s.parent) ?? []), s.name]);
  }
  const lines: string[] = [];
  const draw = (name: string, level: number) => {
    lines.push(`${'  '.repeat(level)}${level > 0 ? '\\_' : ''} ${name}`);
    for (const c of children.get(name) ?? []) draw(c, level + 1);
  };
  for (const r of roots) draw(r, 0);
  return lines.join('\n');
}

export const snapshotsTree: CommandModule<SnapArgs, SnapArgs> = {
  command: 'tree',
  describe: 'display the snapshots as a tree',
  builder: (y) => withSnapshotter(y),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const all: Array<{ name: string; parent: string }> = [];
      for await (const r of c.snapshots.list({ snapshotter: argv.snapshotter, filters: [] })) all.push(...r.info);
      const text = drawTree(all);
      if (text) out(text);
    }),
};
