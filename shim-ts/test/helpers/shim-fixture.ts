// A shim of the test's own (temp state dirs, own cgroup parent), a busybox image, bundles, and a
// cleanup that leaves no process, mount or cgroup behind even when a test failed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { Task } from '@stack/proto/gen/containerd/runtime/task/v2/shim_pb';
import { TaskStreams } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { buildBusyboxImage, killShim, makeBundle, removeCgroupTree, type BuiltImage } from '@stack/tools';
import { startShim } from '../../src/daemon/start.js';
import { shimPaths } from '../../src/daemon/shim-paths.js';

export const NAMESPACE = 'shimtest';

export class ShimFixture {
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-ts-test-'));
  readonly stateDir = path.join(this.tmp, 'shims');
  readonly runtimeRoot = path.join(this.tmp, 'runc');
  readonly cgroupParent = `/shim-ts-test-${path.basename(this.tmp).split('-').pop()}`;
  readonly group = 'g1';
  private image?: BuiltImage;
  private channel?: grpc.Client;
  task!: Client<MethodsOf<typeof Task>>;
  streams!: Client<MethodsOf<typeof TaskStreams>>;
  private n = 0;

  constructor(private readonly opts: { keeper?: boolean } = {}) {
    fs.chmodSync(this.tmp, 0o755);
  }

  async init(): Promise<void> {
    this.image = await buildBusyboxImage({ outDir: path.join(this.tmp, 'image') });
    await this.connect();
  }

  async connect(): Promise<void> {
    this.channel?.close();
    const address = await startShim({ stateDir: this.stateDir, group: this.group, runtimeRoot: this.runtimeRoot, keeper: this.opts.keeper ?? false });
    this.channel = connect(address.replace(/^unix:\/\//, ''));
    const metadata = { 'containerd-namespace': NAMESPACE };
    this.task = createClient(Task, this.channel, { metadata });
    this.streams = createClient(TaskStreams, this.channel, { metadata });
  }

  shimPid(): number {
    return Number(fs.readFileSync(shimPaths(this.stateDir, this.group).pidFile, 'utf8'));
  }

  async bundle(args: string[], edit?: (spec: { process: { terminal?: boolean; env: string[] }; linux: { cgroupsPath?: string } }) => void): Promise<{ id: string; dir: string }> {
    const id = `t${++this.n}`;
    const dir = path.join(this.tmp, `bundle-${id}`);
    const b = await makeBundle({ image: this.image!, bundleDir: dir, args });
    const spec = JSON.parse(fs.readFileSync(b.configPath, 'utf8')) as { process: { terminal?: boolean; env: string[] }; linux: { cgroupsPath?: string } };
    spec.linux.cgroupsPath = `${this.cgroupParent}/${id}`;
    edit?.(spec);
    fs.writeFileSync(b.configPath, JSON.stringify(spec));
    return { id, dir };
  }

  /** The keeper's pid while it runs (with `keeper: true`), else undefined. */
  keeperPid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(shimPaths(this.stateDir, this.group).keeperPidFile, 'utf8'));
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('keep') ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private killKeeper(): void {
    const pid = this.keeperPid();
    if (pid) process.kill(pid, 'SIGKILL');
  }

  logPath(id: string): string {
    return path.join(this.tmp, `${id}-json.log`);
  }

  logLines(id: string): { log: string; stream: string; time: string }[] {
    if (!fs.existsSync(this.logPath(id))) return [];
    return fs.readFileSync(this.logPath(id), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
  }

  async cleanup(): Promise<void> {
    if (process.env.KEEP_SHIM_TEST) return;
    killShim(this.stateDir, this.group);
    this.killKeeper();
    this.channel?.close();
    // Containers outlive a killed shim: kill them and their cgroups.
    removeCgroupTree(this.cgroupParent, { kill: true });
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const mp = line.split(' ')[4];
      if (mp?.startsWith(this.tmp)) fs.rmSync(mp, { force: true, recursive: false });
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
