// ctr-ts's commands and global options; main() is called by ../ctr-ts.js (or from a startup snapshot).
import yargs, { type Argv, type CommandModule } from 'yargs';
import { DEFAULT_ADDRESS } from '../../client/client.js';
import { errorMessage } from '../../core/errdefs.js';
import type { GlobalArgs } from './common.js';
import { VERSION } from '../../version.js';
import { versionCommand } from './version.js';
import { eventsCommand } from './events.js';
import { namespacesLs } from './namespaces/ls.js';
import { namespacesCreate } from './namespaces/create.js';
import { namespacesRm } from './namespaces/rm.js';
import { imagesPull } from './images/pull.js';
import { imagesPush } from './images/push.js';
import { imagesLs } from './images/ls.js';
import { imagesRm } from './images/rm.js';
import { imagesTag } from './images/tag.js';
import { imagesImport } from './images/import.js';
import { imagesExport } from './images/export.js';
import { contentLs } from './content/ls.js';
import { contentGet } from './content/get.js';
import { contentRm } from './content/rm.js';
import { snapshotsLs } from './snapshots/ls.js';
import { snapshotsPrepare } from './snapshots/prepare.js';
import { snapshotsView } from './snapshots/view.js';
import { snapshotsMounts } from './snapshots/mounts.js';
import { snapshotsCommit } from './snapshots/commit.js';
import { snapshotsRm } from './snapshots/rm.js';
import { snapshotsUsage } from './snapshots/usage.js';
import { containersLs } from './containers/ls.js';
import { containersInfo } from './containers/info.js';
import { containersRm } from './containers/rm.js';
import { containersCreate } from './containers/create.js';
import { tasksStart } from './tasks/start.js';
import { tasksLs } from './tasks/ls.js';
import { tasksPs } from './tasks/ps.js';
import { tasksKill } from './tasks/kill.js';
import { tasksExec } from './tasks/exec.js';
import { tasksAttach } from './tasks/attach.js';
import { tasksPause } from './tasks/pause.js';
import { tasksResume } from './tasks/resume.js';
import { tasksMetrics } from './tasks/metrics.js';
import { tasksRm } from './tasks/rm.js';
import { runCommand } from './run.js';
import { leasesLs } from './leases/ls.js';
import { leasesCreate } from './leases/create.js';
import { leasesRm } from './leases/rm.js';
import { pluginsLs } from './plugins/ls.js';
import { ociSpec } from './oci/spec.js';
import { namespacesLabel } from './namespaces/label.js';
import { imagesLabel } from './images/label.js';
import { imagesCheck } from './images/check.js';
import { imagesMount } from './images/mount.js';
import { imagesUnmount } from './images/unmount.js';
import { contentFetch } from './content/fetch.js';
import { contentPruneReferences } from './content/prune-references.js';
import { snapshotsTree } from './snapshots/tree.js';
import { tasksCheckpoint } from './tasks/checkpoint.js';
import { containersCheckpoint, containersRestore } from './containers/checkpoint.js';
import { splitCommandTail } from './command-tail.js';

// Subcommand modules are typed for their own argument shapes; yargs merges them at run time.
type AnyCommand = CommandModule<GlobalArgs, never>;

function group(name: string[], describe: string, commands: AnyCommand[]): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: name,
    describe,
    builder: (y: Argv<GlobalArgs>) => {
      for (const c of commands) y.command(c as unknown as CommandModule<GlobalArgs, GlobalArgs>);
      return y.demandCommand(1, `${name[0]}: give a subcommand`);
    },
    handler: () => undefined,
  };
}

const cmds = (...c: unknown[]) => c as AnyCommand[];

/**
 * The parser with every command. Built once per process — by the startup snapshot at build time —
 * so nothing here may read the environment: defaults that come from it are set by main().
 */
export function cli(): Argv {
  const parser = yargs()
    .scriptName('ctr-ts')
    .usage('$0 [global options] command [options]')
    .option('address', { alias: 'a', type: 'string', describe: `containerd-ts socket [default: $CONTAINERD_ADDRESS or ${DEFAULT_ADDRESS}]`, global: true })
    .option('namespace', { alias: 'n', type: 'string', describe: 'namespace [default: $CONTAINERD_NAMESPACE or default]', global: true })
    .option('format', { type: 'string', choices: ['table', 'json'] as const, default: 'table' as const, describe: 'output format', global: true })
    .command(versionCommand as unknown as CommandModule)
    .command(runCommand as unknown as CommandModule)
    .command(eventsCommand as unknown as CommandModule)
    .command(group(['namespaces', 'namespace', 'ns'], 'manage namespaces', cmds(namespacesLs, namespacesCreate, namespacesRm, namespacesLabel)) as unknown as CommandModule)
    .command(group(['images', 'image', 'i'], 'manage images', cmds(imagesPull, imagesPush, imagesLs, imagesRm, imagesTag, imagesImport, imagesExport, imagesLabel, imagesCheck, imagesMount, imagesUnmount)) as unknown as CommandModule)
    .command(group(['content'], 'manage content', cmds(contentLs, contentGet, contentRm, contentFetch, group(['prune'], 'prune content from the content store', cmds(contentPruneReferences)))) as unknown as CommandModule)
    .command(group(['snapshots', 'snapshot'], 'manage snapshots', cmds(snapshotsLs, snapshotsPrepare, snapshotsView, snapshotsMounts, snapshotsCommit, snapshotsRm, snapshotsUsage, snapshotsTree)) as unknown as CommandModule)
    .command(group(['leases'], 'manage leases', cmds(leasesLs, leasesCreate, leasesRm)) as unknown as CommandModule)
    .command(group(['plugins', 'plugin'], 'provides information about the daemon\'s plugins', cmds(pluginsLs)) as unknown as CommandModule)
    .command(group(['oci'], 'OCI tools', cmds(ociSpec)) as unknown as CommandModule)
    .command(group(['containers', 'container', 'c'], 'manage containers', cmds(containersLs, containersInfo, containersCreate, containersRm, containersCheckpoint, containersRestore)) as unknown as CommandModule)
    .command(group(['tasks', 'task', 't'], 'manage tasks', cmds(tasksStart, tasksLs, tasksPs, tasksKill, tasksExec, tasksAttach, tasksPause, tasksResume, tasksMetrics, tasksRm, tasksCheckpoint)) as unknown as CommandModule)
    .demandCommand(1)
    .strict()
    .help()
    // ctr's shape: NAME MODULE VERSION.
    .version(`ctr-ts container-stack ${VERSION}`)
    .fail((msg, err) => {
      if (err) process.stderr.write(`ctr-ts: ${errorMessage(err)}\n`);
      else process.stderr.write(`ctr-ts: ${msg}\n`);
      process.exit(1);
    })
    .middleware((argv) => {
      argv['address'] ??= process.env['CONTAINERD_ADDRESS'] ?? DEFAULT_ADDRESS;
      argv['namespace'] ??= process.env['CONTAINERD_NAMESPACE'] ?? 'default';
    }, true);
  skipHelpCache(parser);
  return parser;
}

/** The parts of yargs 17's internals skipHelpCache touches. */
interface YargsInternals {
  getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders the help of every command it runs, in case the handler asks for it; ctr-ts never
 * does, and for `run` (many options) that is ~9 ms of CPU in each command, on its critical path.
 * Help on --help or on an error is rendered when it is needed, as before.
 */
function skipHelpCache(parser: Argv): void {
  const usage = (parser as unknown as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

/** Parses and runs one command line (argv without node and the script) with `parser` (default: a new one). */
export function main(argv: readonly string[], parser: Argv = cli()): Promise<unknown> {
  return parser.parseAsync(splitCommandTail(argv)).catch((err: unknown) => {
    process.stderr.write(`ctr-ts: ${errorMessage(err)}\n`);
    process.exit(1);
  });
}
