// engine container COMMAND: docker's container management command over the container commands.
import { attach } from '../attach.js';
import { commit } from '../commit.js';
import { cp } from '../cp.js';
import { create } from '../create.js';
import { diff } from '../diff.js';
import { exec } from '../exec.js';
import { exportCmd } from '../export.js';
import { inspect } from '../inspect.js';
import { kill } from '../kill.js';
import { logs } from '../logs.js';
import { group, renamed } from '../management.js';
import { pause } from '../pause.js';
import { containerPrune } from './prune.js';
import { port } from '../port.js';
import { ps } from '../ps.js';
import { rename } from '../rename.js';
import { restart } from '../restart.js';
import { rm } from '../rm.js';
import { run } from '../run.js';
import { start } from '../start.js';
import { stats } from '../stats.js';
import { stop } from '../stop.js';
import { top } from '../top.js';
import { unpause } from '../unpause.js';
import { update } from '../update.js';
import { wait } from '../wait.js';

export const container = group('container', 'Manage containers', [
  attach,
  commit,
  cp,
  create,
  diff,
  exec,
  exportCmd,
  renamed(inspect, 'inspect', [], { type: 'container' }, 'Display detailed information on one or more containers'),
  kill,
  logs,
  renamed(ps, 'ls', ['ps', 'list']),
  pause,
  port,
  containerPrune,
  rename,
  restart,
  renamed(rm, 'rm', ['remove']),
  run,
  start,
  stats,
  stop,
  top,
  unpause,
  update,
  wait,
]);
