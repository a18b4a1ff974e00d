// Shared by the task tests: a daemon with the busybox image imported into a namespace of the test's
// own, a gRPC client for checks, and a cleanup that leaves no shim, container or cgroup behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { connect, createClient, type Client, type MethodsOf } from '@stack/proto';
import { Tasks } from '@stack/proto/gen/containerd/services/tasks/v1/tasks_pb';
import { Events } from '@stack/proto/gen/containerd/services/events/v1/events_pb';
import { buildBusyboxImage, killShims, removeCgroupTree } from '@stack/tools';
import { ctrTs, startTestDaemon, stockCtr, type RunResult, type TestDaemon } from './daemon.js';

export const IMAGE = 'docker.io/library/busybox:latest';

export interface TaskFixture {
  d: TestDaemon;
  ns: string;
  channel: grpc.Client;
  tasks: Client<MethodsOf<typeof Tasks>>;
  events: Client<MethodsOf<typeof Events>>;
  ctr(args: string[]): Promise<RunResult>;
  /** ctr-ts in the fixture's namespace. */
  ctrTs(args: string[]): Promise<RunResult>;
  reconnect(): void;
  cleanup(): Promise<void>;
}

export function shimPids(d: TestDaemon): number[] {
  const dir = path.join(d.state, 'shims');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((g) => {
    try {
      return [Number(fs.readFileSync(path.join(dir, g, 'shim.pid'), 'utf8'))];
    } catch {
      return [];
    }
  });
}

export async function startTaskFixture(name: string, opts: { config?: string } = {}): Promise<TaskFixture> {
  const d = await startTestDaemon(opts);
  const ns = `${name}${process.pid}`;
  await buildBusyboxImage({ outDir: path.join(d.dir, 'image'), archivePath: path.join(d.dir, 'busybox.tar') });
  const imported = await stockCtr(d, ['-n', ns, 'images', 'import', path.join(d.dir, 'busybox.tar')]);
  if (imported.code !== 0) throw new Error(`ctr images import: ${imported.stderr}`);
  const f = {
    d,
    ns,
    ctr: (args: string[]) => stockCtr(d, ['-n', ns, ...args]),
    ctrTs: (args: string[]) => ctrTs(d, ['-n', ns, ...args]),
    reconnect() {
      f.channel?.close();
      f.channel = connect(d.socket);
      const metadata = { 'containerd-namespace': ns };
      f.tasks = createClient(Tasks, f.channel, { metadata });
      f.events = createClient(Events, f.channel, { metadata });
    },
    async cleanup() {
      f.channel?.close();
      await d.kill9();
      killShims(path.join(d.state, 'shims'));
      // Containers outlive their shims: kill what is left in the namespace's cgroups, then remove them.
      removeCgroupTree(`/${ns}`, { kill: true });
      for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
        const mp = line.split(' ')[4];
        if (mp?.startsWith(d.dir)) {
          try {
            require('node:child_process').execFileSync('umount', ['-l', mp]);
          } catch {
            // gone
          }
        }
      }
      fs.rmSync(`/run/containerd/fifo`, { recursive: true, force: true });
      d.cleanup();
    },
  } as TaskFixture;
  f.reconnect();
  return f;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
