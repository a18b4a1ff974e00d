// SIGHUP: read daemon.json again and apply the keys dockerd reloads (debug, labels, registry mirrors,
// insecure registries, live-restore, max concurrent downloads and uploads). A file that does not pass the start-up checks is refused whole
// and the configuration in use stays; keys that only a restart applies are named in a warning.
import * as os from 'node:os';
import type { Logger } from './containers/container-manager.js';
import { readConfig, type DaemonConfig } from './config.js';
import type { DaemonJsonKey } from './daemon-json.js';
import type { EventBus } from './events/event-bus.js';

/** The reloadable keys, the field each sets, and whether a key left out goes back to its default. */
const RELOADED: ReadonlyArray<[DaemonJsonKey, keyof DaemonConfig | undefined, 'keep' | 'reset']> = [
  ['debug', 'debug', 'keep'],
  ['labels', 'labels', 'keep'],
  ['insecure-registries', 'insecureRegistries', 'keep'],
  ['registry-mirrors', 'registryMirrors', 'keep'],
  // dockerd resets these whenever it reloads.
  ['max-concurrent-downloads', 'maxConcurrentDownloads', 'reset'],
  ['max-concurrent-uploads', 'maxConcurrentUploads', 'reset'],
  // Always on in engined; the file may only say so.
  ['live-restore', undefined, 'keep'],
];

/** The other settings, by the key that sets them, for the warning that a restart is needed. */
const RESTART_ONLY: Partial<Record<keyof DaemonConfig, DaemonJsonKey>> = {
  dataRoot: 'data-root',
  execRoot: 'exec-root',
  hosts: 'hosts',
  containerd: 'containerd',
  containerdNamespace: 'containerd-namespace',
  cgroupParent: 'cgroup-parent',
  logOpts: 'log-opts',
  defaultUlimits: 'default-ulimits',
  initPath: 'init-path',
  pidfile: 'pidfile',
  bridge: 'bridge',
  bip: 'bip',
  defaultAddressPools: 'default-address-pools',
};

const show = (v: unknown) => JSON.stringify(v ?? null);

/**
 * Applies the file's reloadable keys to `live` (the object every part of the daemon reads), as dockerd
 * does: a key the file sets takes its value, a key it leaves out keeps the one in use. Returns the
 * changes made, or throws (the caller logs it) leaving `live` untouched.
 */
export function reloadConfig(live: DaemonConfig, argv: string[]): { changed: string[]; restartNeeded: string[] } {
  const { config: next, json } = readConfig(argv);
  const changed: string[] = [];
  const patch: Partial<Record<keyof DaemonConfig, unknown>> = {};
  for (const [key, field, absent] of RELOADED) {
    if (!field || (!(key in json) && absent === 'keep') || show(live[field]) === show(next[field])) continue;
    changed.push(`${key}: ${show(live[field])} → ${show(next[field])}`);
    patch[field] = next[field];
  }
  const restartNeeded = (Object.entries(RESTART_ONLY) as Array<[keyof DaemonConfig, DaemonJsonKey]>).filter(([f]) => show(live[f]) !== show(next[f])).map(([, key]) => key);
  Object.assign(live, patch);
  return { changed, restartNeeded };
}

/** Installs the SIGHUP handler. */
export function reloadOnSighup(live: DaemonConfig, argv: string[], log: Logger, events: EventBus, daemonId: string): void {
  process.on('SIGHUP', () => {
    let result: ReturnType<typeof reloadConfig>;
    try {
      result = reloadConfig(live, argv);
    } catch (err) {
      log.error(`${(err as Error).message}; configuration not reloaded, the one in use is unchanged`);
      return;
    }
    const { changed, restartNeeded } = result;
    log.info(changed.length ? `Reloaded configuration from ${live.configFile}: ${changed.join('; ')}` : `Reloaded configuration from ${live.configFile}: no reloadable setting changed`);
    if (restartNeeded.length) log.warn(`${live.configFile}: ${restartNeeded.join(', ')} changed but only apply when engined restarts (SIGHUP reloads debug, labels, registry-mirrors, insecure-registries, max-concurrent-downloads and -uploads)`);
    events.publish('daemon', 'reload', daemonId, {
      debug: String(live.debug),
      labels: show(live.labels),
      'insecure-registries': show(live.insecureRegistries),
      'registry-mirrors': show(live.registryMirrors),
      'live-restore': 'true',
      'max-concurrent-downloads': String(live.maxConcurrentDownloads),
      'max-concurrent-uploads': String(live.maxConcurrentUploads),
      name: os.hostname(),
    });
  });
}
