// A client's end of TaskStreams/Attach on the daemon's socket: open a process's stdio, wait for
// `attached` (output from then on reaches us, so the caller can start the process without losing
// any), then relay output until the process's `exit`.
import type { StackClient } from './client.js';
import { RequestQueue } from './request-queue.js';

export interface AttachTarget {
  containerId: string;
  /** Empty or absent for the init process. */
  execId?: string;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface OutputSinks {
  stdout(chunk: Uint8Array): void;
  stderr(chunk: Uint8Array): void;
}

type AttachRequest = Parameters<StackClient['taskStreams']['attach']>[0] extends AsyncIterable<infer R> | Iterable<infer R> ? R : never;

export interface AttachedProcess {
  /** The exit status once the process exited and its output drained; undefined if the stream ended first. */
  readonly exit: Promise<number | undefined>;
  writeStdin(data: Uint8Array): void;
  closeStdin(): void;
  resize(width: number, height: number): void;
  /** Leaves the process running (ends our side of the stream). */
  detach(): void;
}

export async function attachProcess(c: StackClient, target: AttachTarget, sinks: OutputSinks): Promise<AttachedProcess> {
  const requests = new RequestQueue<AttachRequest>();
  const abort = new AbortController();
  requests.push({ kind: { case: 'open', value: { containerId: target.containerId, execId: target.execId ?? '', stdin: target.stdin, stdout: target.stdout, stderr: target.stderr } } });
  const responses = c.taskStreams.attach(requests, { signal: abort.signal })[Symbol.asyncIterator]();
  const first = await responses.next().catch((err: unknown) => {
    requests.end();
    throw err;
  });
  if (first.done || first.value.kind.case !== 'attached') {
    requests.end();
    abort.abort();
    throw new Error(`attach to ${target.execId || target.containerId}: the server did not acknowledge`);
  }
  const exit = (async (): Promise<number | undefined> => {
    try {
      for (let r = await responses.next(); !r.done; r = await responses.next()) {
        const k = r.value.kind;
        if (k.case === 'stdout') sinks.stdout(k.value);
        else if (k.case === 'stderr') sinks.stderr(k.value);
        else if (k.case === 'exit') return k.value.exitStatus;
      }
      return undefined;
    } catch (err) {
      if (abort.signal.aborted) return undefined;
      throw err;
    } finally {
      requests.end();
    }
  })();
  return {
    exit,
    writeStdin: (data) => requests.push({ kind: { case: 'stdin', value: data } }),
    closeStdin: () => requests.push({ kind: { case: 'closeStdin', value: true } }),
    resize: (width, height) => requests.push({ kind: { case: 'resize', value: { width, height } } }),
    detach: () => {
      requests.end();
      abort.abort();
    },
  };
}
