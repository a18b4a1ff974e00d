// An exec's stdio over the channel protocols kubelet speaks: every binary message starts with its
// channel (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 terminal resize; v5 adds 255 "close
// channel", by which a client ends stdin). At the end the status goes on channel 3 — v4/v5: a
// metav1.Status JSON (Success, or Failure with reason NonZeroExitCode and the code as a cause);
// channel.k8s.io: the error text only — and the connection closes.
import type * as net from 'node:net';
import type { ExecSession } from './exec-session.js';
import type { WebSocketConn, WsMessage } from './websocket.js';

export const CH = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function execStatus(protocol: string, cmd: string[], exitCode: number): Buffer | undefined {
  const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  if (exitCode === 0) return structured ? Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' })) : undefined;
  const message = `command terminated with non-zero exit code: error executing command ${JSON.stringify(cmd)}, exit code ${exitCode}`;
  if (!structured) return Buffer.from(message);
  return Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] } }));
}

function forward(ws: WebSocketConn, from: net.Socket | undefined, channel: number): void {
  from?.on('data', (d: Buffer) => {
    if (!ws.send(Buffer.concat([Buffer.from([channel]), d]))) {
      from.pause();
      void ws.drained().then(() => from.resume());
    }
  });
}

/** `early`: messages that came while the exec was being started (stdin sent at once, a first resize). */
export function serveExecChannels(ws: WebSocketConn, protocol: string, cmd: string[], session: ExecSession, early: WsMessage[] = []): void {
  forward(ws, session.stdout, CH.stdout);
  forward(ws, session.stderr, CH.stderr);
  const onMessage = ({ data }: WsMessage) => {
    const ch = data[0];
    const payload = data.subarray(1);
    if (ch === CH.stdin) session.writeStdin(payload);
    else if (ch === CH.resize) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        void session.resize(Number(size.Width ?? 0), Number(size.Height ?? 0));
      } catch {
        // a malformed resize is dropped, as kubelet drops it
      }
    } else if (ch === CH.close && protocol === 'v5.channel.k8s.io' && payload[0] === CH.stdin) void session.closeStdin();
  };
  for (const m of early) onMessage(m);
  ws.on('message', onMessage);
  let done = false;
  ws.once('close', () => {
    if (!done) void session.kill();
  });
  if (ws.isClosed) void session.kill();
  void session.exited.then(
    (code) => {
      done = true;
      const status = execStatus(protocol, cmd, code);
      if (status) ws.send(Buffer.concat([Buffer.from([CH.error]), status]));
      ws.close();
    },
    (err: Error) => {
      done = true;
      ws.send(Buffer.concat([Buffer.from([CH.error]), Buffer.from(err.message)]));
      ws.close();
    },
  );
}
