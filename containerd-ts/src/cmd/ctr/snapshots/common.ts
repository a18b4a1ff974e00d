// Shared by the snapshot commands: the snapshotter option and mount output.
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../common.js';

export interface SnapArgs extends GlobalArgs {
  snapshotter: string;
}

export function withSnapshotter<T>(y: Argv<T>): Argv<T & { snapshotter: string }> {
  return y.option('snapshotter', { type: 'string', default: 'overlayfs', describe: 'snapshotter name' }) as Argv<T & { snapshotter: string }>;
}

/** Mounts as a shell command line, as ctr prints them. */
export function mountCommand(mounts: Array<{ type: string; source: string; options: string[] }>, target: string): string {
  return mounts.map((m) => `mount -t ${m.type} ${m.source} ${target} -o ${m.options.join(',')}`).join('\n');
}
