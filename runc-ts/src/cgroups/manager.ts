// A container's cgroups: where they live, how limits are written, membership, freezing, removal.
// One implementation per hierarchy layout; the paths are stored in state.json so later commands
// (kill, delete, pause, update, events) reopen the same cgroups without re-reading the spec.
import type { ResourcesConfig } from '../spec/config.js';
import type { CgroupStats } from './stats.js';

export interface CgroupManager {
  /** Hierarchy key (v1 controller, or '' for cgroup2) → directory. */
  readonly paths: Readonly<Record<string, string>>;
  /** Creates the directories (and on v2 enables controllers in the ancestors). */
  create(): void;
  /** Writes the limits; throws CgroupError if a limit cannot be applied. */
  apply(resources: Omit<ResourcesConfig, 'devices'> & { devices?: ResourcesConfig['devices'] }): void;
  join(pid: number): void;
  pids(): number[];
  freeze(): void;
  thaw(): void;
  isFrozen(): boolean;
  stats(): CgroupStats;
  /** Removes the directories; processes must be gone. */
  destroy(): void;
  exists(): boolean;
}
