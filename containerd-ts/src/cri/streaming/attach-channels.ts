// Attach over the channel protocols: the container's output as its log pump reads it (channel 1, and
// 2 without a terminal), the client's stdin into the container's stdin FIFO, resizes of its terminal.
// The stream ends when the container exits (status Success on channel 3 for v4/v5, as kubelet's attach)
// or when the client goes; a stdin_once container's stdin is closed when its first attach ends.
import type { AttachTarget } from '../container.js';
import { CH } from './exec-channels.js';
import type { WebSocketConn, WsMessage } from './websocket.js';

export function serveAttachChannels(ws: WebSocketConn, protocol: string, t: AttachTarget, wants: { stdin: boolean; stdout: boolean; stderr: boolean }): void {
  const unsubscribe = t.subscribe((stream, chunk) => {
    if (stream === 'stdout' && !wants.stdout) return;
    if (stream === 'stderr' && !wants.stderr) return;
    ws.send(Buffer.concat([Buffer.from([stream === 'stdout' ? CH.stdout : CH.stderr]), chunk]));
  });
  let stdinClosed = false;
  const closeStdin = () => {
    if (stdinClosed || !t.stdin) return;
    stdinClosed = true;
    void t.closeStdin();
  };
  ws.on('message', ({ data }: WsMessage) => {
    const ch = data[0];
    const payload = data.subarray(1);
    if (ch === CH.stdin && wants.stdin && !stdinClosed) t.writeStdin(payload);
    else if (ch === CH.resize) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width?: number; Height?: number };
        void t.resize(Number(size.Width ?? 0), Number(size.Height ?? 0));
      } catch {
        // dropped, as kubelet drops a malformed resize
      }
    } else if (ch === CH.close && protocol === 'v5.channel.k8s.io' && payload[0] === CH.stdin && t.stdinOnce) closeStdin();
  });
  ws.once('close', () => {
    unsubscribe();
    if (t.stdinOnce && wants.stdin) closeStdin();
  });
  void t.exited.then(() => {
    unsubscribe();
    if (protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io') ws.send(Buffer.concat([Buffer.from([CH.error]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Success' }))]));
    ws.close();
  });
}
