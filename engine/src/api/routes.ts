// Every endpoint, specific paths before the patterns that would also match them.
import { Router } from '../daemon/http/router.js';
import type { Engine } from '../daemon/engine.js';
import * as ping from './system/ping.js';
import * as version from './system/version.js';
import * as info from './system/info.js';
import * as events from './system/events.js';
import * as df from './system/df.js';
import * as auth from './system/auth.js';
import * as containerCreate from './containers/create.js';
import * as containerList from './containers/list.js';
import * as containerInspect from './containers/inspect.js';
import * as containerLifecycle from './containers/lifecycle.js';
import * as containerRemove from './containers/remove.js';
import * as containerLogs from './containers/logs.js';
import * as containerAttach from './containers/attach.js';
import * as containerChanges from './containers/changes.js';
import * as containerExport from './containers/export.js';
import * as exec from './exec/exec.js';
import * as imagePull from './images/pull.js';
import * as imagePush from './images/push.js';
import * as imageArchive from './images/archive.js';
import * as imageCommit from './images/commit.js';
import * as imageList from './images/list.js';
import * as imageTagRemove from './images/tag-remove.js';
import * as volumes from './volumes/volumes.js';
import * as networks from './networks/networks.js';
import * as networkConnect from './networks/connect.js';
import * as containerPrune from './containers/prune.js';
import * as containerArchive from './containers/archive.js';
import * as containerStats from './containers/stats.js';
import * as containerUpdate from './containers/update.js';
import * as imagePrune from './images/prune.js';
import * as imageSearch from './images/search.js';
import * as distribution from './distribution/distribution.js';
import * as buildPrune from './system/build-prune.js';
import * as build from './build/build.js';
import * as plugins from './plugins/plugins.js';
import * as swarm from './swarm/swarm.js';

export function buildRouter(e: Engine): Router {
  const r = new Router();
  ping.register(r);
  for (const m of [plugins, swarm]) m.register(r);
  for (const m of [build, buildPrune]) m.register(r, e);
  for (const m of [version, info, events, df, auth, containerCreate, containerList, containerPrune, containerArchive, containerStats, containerUpdate, distribution, containerRemove, containerInspect, containerLifecycle, containerLogs, containerAttach, containerChanges, containerExport, exec, networks, networkConnect]) m.register(r, e);
  // Images: fixed paths first, then the {name*} patterns (names contain slashes).
  for (const m of [imagePrune, imageSearch, imagePull, imageArchive, imageCommit, imageList, imagePush, imageTagRemove, volumes]) m.register(r, e);
  return r;
}
