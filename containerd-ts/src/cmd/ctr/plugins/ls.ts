// ctr-ts plugins ls [-q] [-d] [FILTER…]: the daemon's plugins from Introspection, as ctr prints them:
// TYPE / ID / PLATFORMS / STATUS (ok, skip, error), or with -d a block per plugin.
import type { CommandModule } from 'yargs';
import { out, print, withClient, type GlobalArgs } from '../common.js';

interface Plugin {
  type: string;
  id: string;
  requires: string[];
  platforms: Array<{ os: string; architecture: string; variant: string }>;
  exports: Record<string, string>;
  capabilities: string[];
  initErr?: { code: number; message: string } | undefined;
}

const platformText = (p: Plugin['platforms'][number]) => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** containerd marks a plugin that chose not to load with a message ending in "skip plugin". */
export function pluginStatus(p: Pick<Plugin, 'initErr'>): string {
  if (!p.initErr) return 'ok';
  return p.initErr.message.endsWith('skip plugin') ? 'skip' : 'error';
}

// gRPC code names, for the detailed view's error.
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/** ctr's -d block: fields that are empty are left out; lists are indented under their heading. */
export function detailed(p: Plugin): string {
  const lines = [`Type:          ${p.type}`, `ID:            ${p.id}`];
  const list = (title: string, items: string[]) => {
    if (items.length) lines.push(`${title.padEnd(14)}`, ...items.map((i) => `               ${i}`));
  };
  list('Requires:', p.requires);
  if (p.platforms.length) lines.push(`Platforms:     ${p.platforms.map(platformText).join(',')}`);
  const exp = Object.entries(p.exports);
  if (exp.length) {
    const w = Math.max(...exp.map(([k]) => k.length));
    list('Exports:', exp.map(([k, v]) => `${k.padEnd(w)}      ${v}`));
  }
  list('Capabilities:', p.capabilities);
  if (p.initErr) list('Error:', [`Code:        ${CODE_NAMES[p.initErr.code] ?? p.initErr.code}`, `Message:     ${p.initErr.message}`]);
  return lines.join('\n') + '\n';
}

export const pluginsLs: CommandModule<GlobalArgs, GlobalArgs & { quiet: boolean; detailed: boolean; filters: string[] }> = {
  command: ['ls [filters..]', 'list'],
  describe: 'list the daemon\'s plugins',
  builder: (y) =>
    y
      .positional('filters', { type: 'string', array: true, default: [] })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the plugin IDs' })
      .option('detailed', { alias: 'd', type: 'boolean', default: false, describe: 'print detailed information about each plugin' }),
  handler: (argv) =>
    withClient(argv, async (c) => {
      const { plugins } = (await c.introspection.plugins({ filters: argv.filters })) as { plugins: Plugin[] };
      if (argv.quiet) {
        if (plugins.length) out(plugins.map((p) => p.id).join('\n'));
        return;
      }
      if (argv.detailed && argv.format !== 'json') {
        if (plugins.length) out(plugins.map(detailed).join('\n'));
        return;
      }
      print(argv, plugins, ['TYPE', 'ID', 'PLATFORMS', 'STATUS'], (p) => [p.type, p.id, p.platforms.map(platformText).join(',') || '-', pluginStatus(p)]);
    }),
};
