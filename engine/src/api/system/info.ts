// GET /info: counts, storage, limits the host supports, registry settings.
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Router } from '../../daemon/http/router.js';
import type { Engine } from '../../daemon/engine.js';
import { ENGINE_VERSION } from './version.js';

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}

export function register(r: Router, e: Engine): void {
  r.get('/info', async (ctx) => {
    const all = e.containers.store.all();
    const count = (s: string) => all.filter((c) => c.State.Status === s).length;
    const images = await e.images.list().catch(() => []);
    const v2 = fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
    ctx.sendJson(200, {
      ID: e.id,
      Containers: all.length,
      ContainersRunning: count('running'),
      ContainersPaused: count('paused'),
      ContainersStopped: all.length - count('running') - count('paused'),
      Images: images.length,
      Driver: 'overlayfs',
      DriverStatus: [['Backing Filesystem', 'containerd-ts snapshotter']],
      Plugins: { Volume: ['local'], Network: ['host', 'none'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true,
      SwapLimit: true,
      KernelMemory: false,
      KernelMemoryTCP: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: false,
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: e.config.debug,
      NFd: fs.readdirSync('/proc/self/fd').length,
      OomKillDisable: !v2,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: v2 ? '2' : '1',
      NEventsListener: e.events.listeners,
      KernelVersion: os.release(),
      OperatingSystem: osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        AllowNondistributableArtifactsCIDRs: [],
        AllowNondistributableArtifactsHostnames: [],
        InsecureRegistryCIDRs: ['127.0.0.0/8'],
        IndexConfigs: Object.fromEntries(
          ['docker.io', ...e.config.insecureRegistries].map((h) => [h, { Name: h, Mirrors: h === 'docker.io' ? e.config.registryMirrors : [], Secure: h === 'docker.io', Official: h === 'docker.io' }]),
        ),
        Mirrors: e.config.registryMirrors,
      },
      GenericResources: null,
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      DockerRootDir: e.config.dataRoot,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: os.hostname(),
      Labels: e.config.labels,
      ExperimentalBuild: false,
      ServerVersion: ENGINE_VERSION,
      Runtimes: { 'io.containerd.runc.v2': { path: 'runc-ts' } },
      DefaultRuntime: 'io.containerd.runc.v2',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      ContainerdCommit: { ID: '', Expected: '' },
      RuncCommit: { ID: '', Expected: '' },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: ['name=seccomp,profile=default'],
      Warnings: [],
    });
  });
}
