// engined: loads its config and state, waits for containerd-ts, reconnects to running containers,
// then serves the API. SIGTERM stops the daemon only: containers keep running.
import { HealthSupervisor } from './containers/health-supervisor.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Code, isGrpcCode } from '@stack/proto';
import { buildRouter } from '../api/routes.js';
import { BridgeAttacher } from '../network/index.js';
import { loadConfig, type DaemonConfig } from './config.js';
import { reloadOnSighup } from './config-reload.js';
import { connectContainerd, type Containerd } from './containerd/client.js';
import { ContainerManager } from './containers/container-manager.js';
import { ExecManager } from './containers/exec-manager.js';
import type { Engine } from './engine.js';
import { EventBus } from './events/event-bus.js';
import { ApiServer } from './http/server.js';
import { ImageStore } from './images/image-store.js';
import { jsonLogger } from './logger.js';
import { NetworkAttachers } from './networking/network-attacher.js';
import { NoneHostAttacher } from './networking/none-host-attacher.js';
import { openNetworking } from './networking/open-networking.js';
import { ContainerStore } from './state/container-store.js';
import { VolumeStore } from './volumes/volume-store.js';
import { readJsonFile, writeFileAtomic } from '../common/atomic-file.js';

async function waitForContainerd(c: Containerd, log: ReturnType<typeof jsonLogger>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let warned = false;
  for (;;) {
    try {
      await c.version.version({}, { deadline: 2000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`containerd-ts at ${c.address} is not answering: ${(err as Error).message}`);
      if (!warned) log.warn(`waiting for containerd-ts at ${c.address}`);
      warned = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await c.namespaces.create({ namespace: { name: c.namespace, labels: {} } });
  } catch (err) {
    if (!isGrpcCode(err, Code.ALREADY_EXISTS)) throw err;
  }
}

function claimPidfile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid > 0 && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('engined')) throw new Error(`engined is already running as pid ${pid} (${file})`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.writeFileSync(file, `${process.pid}\n`);
}

function daemonId(config: DaemonConfig): string {
  const file = path.join(config.dataRoot, 'engine-id.json');
  const existing = readJsonFile<{ id: string }>(file);
  if (existing) return existing.id;
  const id = randomUUID();
  writeFileAtomic(file, JSON.stringify({ id }));
  return id;
}

/** The sockets systemd passed (fds 3… per sd_listen_fds), which `-H fd://` serves, as dockerd does. */
function activationFds(): number[] {
  const count = Number(process.env.LISTEN_FDS ?? '0');
  if (Number(process.env.LISTEN_PID) !== process.pid || !(count > 0)) throw new Error('-H fd:// needs sockets from systemd socket activation (LISTEN_FDS/LISTEN_PID are not set for this process)');
  return Array.from({ length: count }, (_, i) => 3 + i);
}

export async function runDaemon(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  // The logger reads debug at each message: SIGHUP may turn it on or off.
  const log = jsonLogger(() => config.debug);
  fs.mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
  fs.mkdirSync(config.execRoot, { recursive: true, mode: 0o711 });
  claimPidfile(config.pidfile);
  const containerd = connectContainerd(config.containerd, config.containerdNamespace);
  await waitForContainerd(containerd, log);
  const events = new EventBus();
  const images = new ImageStore(containerd);
  const volumes = new VolumeStore(path.join(config.dataRoot, 'volumes'));
  const store = new ContainerStore(path.join(config.dataRoot, 'containers'));
  const net = openNetworking(config);
  const networks = new NetworkAttachers([new NoneHostAttacher()], config.bridge === 'none' ? 'none' : 'bridge');
  networks.add(new BridgeAttacher(net));
  const containers = new ContainerManager(containerd, store, images, volumes, events, networks, config, log);
  const engine: Engine = { id: daemonId(config), config, containerd, images, containers, execs: new ExecManager(containerd, containers, events), volumes, events, net, log };
  reloadOnSighup(config, argv, log, events, engine.id);
  await containers.restore();
  containers.watchOom();
  const health = new HealthSupervisor(store, containers, engine.execs, events, log);
  const server = new ApiServer(buildRouter(engine), log);
  for (const h of config.hosts) {
    if (h.startsWith('unix://')) await server.listenUnix(h.slice('unix://'.length));
    else if (h === 'fd://') for (const fd of activationFds()) await server.listenFd(fd);
    else if (h.startsWith('tcp://')) {
      const u = new URL(h);
      await server.listenTcp(u.hostname, Number(u.port || 2375));
    } else throw new Error(`unsupported host ${h}: use unix:///path, tcp://host:port or fd:// (systemd socket activation)`);
  }
  log.info(`engined listening on ${config.hosts.join(', ')} (data root ${config.dataRoot}, containerd-ts ${config.containerd})`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info('engined stopping; containers keep running');
    health.stop();
    containers.close();
    // Containers keep their networking, and published ports their proxy, while the daemon is down.
    net.close();
    void server.close().finally(() => {
      containerd.close();
      fs.rmSync(config.pidfile, { force: true });
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
