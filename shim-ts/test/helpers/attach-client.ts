// Clients of the shim's streams as real users misuse them: attaches that are cancelled at any point,
// and clients whose process is killed in the middle of a stream (the connection just drops).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { AsyncQueue } from '@stack/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { AttachRequestSchema } from '@stack/proto/gen/stack/tasks/v1/streams_pb';
import { NAMESPACE, type ShimFixture } from './shim-fixture.js';

type AttachRequest = MessageInitShape<typeof AttachRequestSchema>;

export interface AttachRun {
  requests: AsyncQueue<AttachRequest>;
  /** Resolves with what the stream delivered once it ended (normally, cancelled, or with an error). */
  done: Promise<{ bytes: number; exit: number | undefined; error: Error | undefined }>;
  cancel(): void;
}

/** Opens an attach; `onAttached` runs once the shim acknowledged (e.g. to start the process). */
export function attach(fx: ShimFixture, containerId: string, execId = '', onAttached?: () => Promise<unknown>): AttachRun {
  const ac = new AbortController();
  const requests = new AsyncQueue<AttachRequest>();
  requests.push({ kind: { case: 'open', value: { containerId, execId, stdin: true, stdout: true, stderr: true } } });
  const done = (async () => {
    let bytes = 0;
    let exit: number | undefined;
    try {
      for await (const r of fx.streams.attach(requests, { signal: ac.signal })) {
        if (r.kind.case === 'attached') await onAttached?.();
        if (r.kind.case === 'stdout' || r.kind.case === 'stderr') bytes += r.kind.value.length;
        if (r.kind.case === 'exit') exit = r.kind.value.exitStatus;
      }
      return { bytes, exit, error: undefined };
    } catch (err) {
      return { bytes, exit, error: err as Error };
    } finally {
      requests.end();
    }
  })();
  return { requests, done, cancel: () => ac.abort() };
}

/**
 * A separate client process attached to a container; kill it (SIGKILL) and its connection drops
 * without a cancel. Resolves once the shim acknowledged the attach.
 */
export async function attachFromChild(fx: ShimFixture, socket: string, containerId: string, execId = ''): Promise<ChildProcess> {
  const script = path.join(fx.tmp, 'attach-child.js');
  if (!fs.existsSync(script)) {
    fs.writeFileSync(
      script,
      `const { connect, createClient, AsyncQueue } = require(${JSON.stringify(require.resolve('@stack/proto'))});
const { TaskStreams } = require(${JSON.stringify(require.resolve('@stack/proto/gen/stack/tasks/v1/streams_pb'))});
const [socket, ns, containerId, execId] = process.argv.slice(2);
const streams = createClient(TaskStreams, connect(socket), { metadata: { 'containerd-namespace': ns } });
const q = new AsyncQueue();
q.push({ kind: { case: 'open', value: { containerId, execId, stdin: true, stdout: true, stderr: true } } });
setInterval(() => q.push({ kind: { case: 'stdin', value: Buffer.from('x\\n') } }), 5);
(async () => {
  for await (const r of streams.attach(q)) if (r.kind.case === 'attached') process.stdout.write('attached\\n');
})().catch(() => undefined);
`,
    );
  }
  const child = spawn(process.execPath, [script, socket, NAMESPACE, containerId, execId], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('attached') && resolve());
    child.once('exit', (code) => reject(new Error(`attach client exited ${code} before it attached`)));
  });
  return child;
}
