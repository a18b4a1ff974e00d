// The prune commands' question: asked only on a terminal, as docker does, and anything but y/yes stops.
import { exit } from '../context.js';

export async function confirmOrExit(warning: string): Promise<void> {
  if (!process.stdin.isTTY) return;
  process.stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d: Buffer) => resolve(d.toString().trim())));
  if (!/^y(es)?$/i.test(answer)) exit(0);
}
