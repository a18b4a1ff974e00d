// The daemon's plugins and their dependencies, registered in one place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Config } from '../core/config/config.js';
import { Exchange } from '../core/events/exchange.js';
import { GarbageCollector } from '../core/gc/collector.js';
import type { PluginRegistry } from '../core/plugin/registry.js';
import { RegistryHosts } from '../core/remotes/hosts.js';
import type { TransferDeps } from '../core/transfer/pull.js';
import type { SnapshotterBackend } from '../core/snapshots/snapshotter.js';
import { LocalBlobStore } from './content/local-store.js';
import { openMetadata, type Metadata } from './metadata/metadata.js';
import { OverlayBackend } from './snapshots/overlay.js';
import { registerContent } from '../services/content.js';
import { registerImages } from '../services/images.js';
import { registerSnapshots } from '../services/snapshots.js';
import { registerContainers } from '../services/containers.js';
import { registerLeases } from '../services/leases.js';
import { registerNamespaces } from '../services/namespaces.js';
import { registerVersion } from '../services/version.js';
import { registerEvents } from '../services/events.js';
import { registerIntrospection } from '../services/introspection.js';
import { registerDiff } from '../services/diff.js';
import { registerTransfer } from '../services/transfer.js';
import { registerTasks } from '../services/tasks.js';
import { registerTaskStreams } from '../services/task-streams.js';
import { HealthState, registerHealth } from '../services/health.js';
import { TaskRuntime } from '../core/tasks/task-runtime.js';
import { defaultShimBinary, ShimLauncher } from '../core/tasks/shim-launcher.js';
import { registerCri } from '../cri/service.js';
import { CriImageView } from '../cri/images.js';
import { RecordStore } from '../cri/record-store.js';
import { CniRunner } from '../cri/cni.js';

export const T = {
  event: 'io.containerd.event.v1',
  content: 'io.containerd.content.v1',
  snapshotter: 'io.containerd.snapshotter.v1',
  metadata: 'io.containerd.metadata.v1',
  gc: 'io.containerd.gc.v1',
  transfer: 'io.containerd.transfer.v1',
  grpc: 'io.containerd.grpc.v1',
  runtime: 'io.containerd.runtime.v2',
} as const;

/** A gRPC service plugin: registers its service on the daemon's server. */
export interface GrpcPlugin {
  register(server: grpc.Server): void;
  /** Called when the daemon begins to stop, before the server drains its calls. */
  shutdown?(): void;
}

function overlaySupported(): boolean {
  try {
    return /\toverlay\n/.test(fs.readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

export function registerBuiltins(reg: PluginRegistry, config: Config, uuid: string): void {
  const dir = (type: string, id: string) => path.join(config.root, `${type}.${id}`);
  reg.register({ type: T.event, id: 'exchange', init: () => new Exchange() });
  reg.register({
    type: T.content,
    id: 'content',
    init: (ic) => {
      ic.exports['root'] = dir(T.content, 'content');
      return new LocalBlobStore(dir(T.content, 'content'));
    },
  });
  reg.register({
    type: T.snapshotter,
    id: 'overlayfs',
    init: (ic) => {
      if (!overlaySupported()) throw new Error('overlayfs is not supported by this kernel');
      ic.exports['root'] = dir(T.snapshotter, 'overlayfs');
      return new OverlayBackend(dir(T.snapshotter, 'overlayfs'));
    },
  });
  reg.register({
    type: T.metadata,
    id: 'lmdb',
    requires: [T.event, T.content, T.snapshotter],
    init: (ic) => {
      ic.exports['root'] = dir(T.metadata, 'lmdb');
      return openMetadata(dir(T.metadata, 'lmdb'), ic.get(T.content), ic.getAll<SnapshotterBackend>(T.snapshotter).values(), ic.get<Exchange>(T.event));
    },
  });
  reg.register({
    type: T.gc,
    id: 'scheduler',
    requires: [T.metadata],
    init: (ic) => {
      const md = ic.get<Metadata>(T.metadata);
      const gc = new GarbageCollector(md.db, md.content, md.snapshotters, ic.log);
      md.content.onDirty = () => gc.schedule();
      return gc;
    },
  });
  reg.register({
    type: T.transfer,
    id: 'registry',
    requires: [T.metadata, T.gc],
    init: (ic): TransferDeps => {
      const md = ic.get<Metadata>(T.metadata);
      return {
        content: md.content,
        images: md.images,
        leases: md.leases,
        snapshotters: md.snapshotters,
        gc: ic.get(T.gc),
        hosts: new RegistryHosts(config.registry),
        log: ic.log,
        defaultSnapshotter: config.defaultSnapshotter,
        maxConcurrentDownloads: config.maxConcurrentDownloads,
        allowDevices: config.allowDevicesInLayers,
      };
    },
  });
  reg.register({
    type: T.runtime,
    id: 'task',
    requires: [T.metadata, T.event],
    init: async (ic) => {
      const stateDir = path.join(config.state, `${T.runtime}.task`);
      const launcher = new ShimLauncher({
        binary: config.shimBinary ?? defaultShimBinary(),
        stateDir: path.join(config.state, 'shims'),
        runtimeRoot: path.join(config.state, 'runc'),
      });
      ic.exports['state'] = stateDir;
      ic.exports['shim'] = launcher.opts.binary;
      const runtime = new TaskRuntime({
        stateDir,
        launcher,
        exchange: ic.get<Exchange>(T.event),
        containers: ic.get<Metadata>(T.metadata).containers,
        log: ic.log,
        ...(config.shimIdleMs !== undefined ? { shimIdleMs: config.shimIdleMs } : {}),
      });
      await runtime.recover();
      return runtime;
    },
  });
  const service = (id: string, requires: string[], register: (ic: Parameters<Parameters<PluginRegistry['register']>[0]['init']>[0], server: grpc.Server) => void) =>
    reg.register<GrpcPlugin>({ type: T.grpc, id, requires, init: (ic) => ({ register: (server) => register(ic, server) }) });
  const md = (ic: { get<X>(t: string): X }) => ic.get<Metadata>(T.metadata);
  reg.register<GrpcPlugin>({
    type: T.grpc,
    id: 'healthcheck',
    init: () => {
      const state = new HealthState();
      return { register: (server) => registerHealth(server, state), shutdown: () => state.shutdown() };
    },
  });
  service('version', [], (_ic, s) => registerVersion(s));
  service('introspection', [], (_ic, s) => registerIntrospection(s, reg, uuid));
  service('namespaces', [T.metadata], (ic, s) => registerNamespaces(s, md(ic).namespaces));
  service('content', [T.metadata], (ic, s) => registerContent(s, md(ic).content));
  service('images', [T.metadata, T.gc], (ic, s) => registerImages(s, md(ic).images, ic.get(T.gc)));
  service('snapshots', [T.metadata, T.gc], (ic, s) => registerSnapshots(s, md(ic).snapshotters, ic.get(T.gc)));
  service('containers', [T.metadata, T.gc], (ic, s) => registerContainers(s, md(ic).containers, ic.get(T.gc)));
  service('leases', [T.metadata, T.gc], (ic, s) => registerLeases(s, md(ic).leases, ic.get(T.gc)));
  service('events', [T.event], (ic, s) => registerEvents(s, ic.get(T.event)));
  service('diff', [T.metadata], (ic, s) => registerDiff(s, md(ic).content, ic.log));
  service('transfer', [T.transfer], (ic, s) => registerTransfer(s, ic.get(T.transfer)));
  service('tasks', [T.runtime], (ic, s) => registerTasks(s, ic.get<TaskRuntime>(T.runtime)));
  service('task-streams', [T.runtime], (ic, s) => registerTaskStreams(s, ic.get<TaskRuntime>(T.runtime)));
  // CRI, with a shutdown that stops its streaming server.
  reg.register<GrpcPlugin>({
    type: T.grpc,
    id: 'cri',
    requires: [T.transfer, T.gc, T.runtime],
    init: (ic) => {
      let stopStreaming: (() => void) | undefined;
      return { register: (s) => (stopStreaming = registerCriPlugin(ic, s)), shutdown: () => stopStreaming?.() };
    },
  });
  const registerCriPlugin = (ic: Parameters<Parameters<PluginRegistry['register']>[0]['init']>[0], s: grpc.Server) => {
    const transfer = ic.get<TransferDeps>(T.transfer);
    const images = new CriImageView(transfer.images, transfer.content);
    const snapshots = transfer.snapshotters.get(config.defaultSnapshotter);
    if (!snapshots) throw new Error(`cri: snapshotter ${config.defaultSnapshotter} is not loaded`);
    const root = dir(T.grpc, 'cri');
    return registerCri(s, { config: config.cri, transfer, gc: ic.get(T.gc), images, imageFsDir: dir(T.snapshotter, config.defaultSnapshotter) }, {
      containers: md(ic).containers,
      snapshots,
      snapshotter: config.defaultSnapshotter,
      runtime: ic.get<TaskRuntime>(T.runtime),
      store: new RecordStore(path.join(root, 'sandboxes'), 'pod sandbox'),
      cni: new CniRunner(config.cri.cniBinDir, path.join(root, 'cni-results')),
      filesDir: path.join(config.state, `${T.grpc}.cri`, 'sandboxes'),
      log: ic.log,
    }, { store: new RecordStore(path.join(root, 'containers'), 'container'), fifoDir: path.join(config.state, `${T.grpc}.cri`, 'io') });
  };
}
