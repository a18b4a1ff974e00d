import { CAPABILITIES } from '../../syscalls/constants.js';
import { hierarchies } from '../../cgroups/hierarchy.js';
import { seccompFeatures } from '../../seccomp/features.js';
import type { Command } from '../command.js';

export const command: Command = {
  name: 'features',
  summary: 'show the enabled features',
  usage: '',
  options: {},
  help: {},
  run() {
    const h = hierarchies();
    const features = {
      ociVersionMin: '1.0.0',
      ociVersionMax: '1.1.0',
      hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
      mountOptions: [
        'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'lazytime', 'loud', 'mand', 'noatime',
        'nodev', 'nodiratime', 'noexec', 'nomand', 'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow', 'private',
        'rbind', 'relatime', 'remount', 'ro', 'rprivate', 'rshared', 'rslave', 'runbindable', 'rw', 'shared', 'silent',
        'slave', 'strictatime', 'suid', 'sync', 'unbindable',
      ],
      linux: {
        namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts'],
        capabilities: Object.keys(CAPABILITIES),
        cgroup: { v1: h.mode !== 'v2', v2: h.mode === 'v2', systemd: false, systemdUser: false },
        seccomp: seccompFeatures(),
        apparmor: { enabled: false },
        selinux: { enabled: false },
      },
      annotations: { 'org.opencontainers.runc.version': 'runc-ts 0.1.0' },
    };
    process.stdout.write(JSON.stringify(features, null, '    ') + '\n');
    return 0;
  },
};
