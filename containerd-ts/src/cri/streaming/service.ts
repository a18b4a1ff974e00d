// RuntimeService Exec and PortForward: each checks its request and answers with a one-time URL on the
// streaming server, which then runs the exec or the forwarding for the client that connects.
import type { ServiceImpl } from '@stack/proto';
import type { ExecRequest, PortForwardRequest, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { errorMessage, failedPrecondition, invalidArgument } from '../../core/errdefs.js';
import type { ContainerStoreCri } from '../container.js';
import { sandboxReady, type SandboxDeps } from '../sandbox.js';
import { serveExecChannels } from './exec-channels.js';
import { startExec } from './exec-session.js';
import { parsePorts, servePortForward } from './port-forward.js';
import type { StreamingServer } from './server.js';
import type { WsMessage } from './websocket.js';

type Impl = ServiceImpl<(typeof RuntimeService)['method']>;

interface PendingExec {
  containerId: string;
  req: ExecRequest;
}

interface PendingPortForward {
  netns: string;
  ports: number[];
}

export function streamingService(server: StreamingServer, sb: SandboxDeps, containers: ContainerStoreCri, fifoDir: string): Impl {
  server.on<PendingExec>('exec', (ws, protocol, { containerId, req }) => {
    // The client may write before the process exists: held until it does.
    const early: WsMessage[] = [];
    const hold = (m: WsMessage) => early.push(m);
    ws.on('message', hold);
    startExec(sb, fifoDir, containerId, { cmd: req.cmd, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr }).then(
      (session) => {
        ws.off('message', hold);
        serveExecChannels(ws, protocol, req.cmd, session, early);
      },
      (err: unknown) => {
        ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(`failed to exec in container: ${errorMessage(err)}`)]));
        ws.close();
      },
    );
  });
  server.on<PendingPortForward>('portforward', (ws, _protocol, p, url) => {
    let ports: number[];
    try {
      ports = parsePorts(url, p.ports);
    } catch (err) {
      ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(errorMessage(err))]));
      ws.close();
      return;
    }
    servePortForward(ws, p.netns, ports);
  });
  return {
    async exec(req) {
      const rec = containers.get(req.containerId);
      if (req.cmd.length === 0) throw invalidArgument('Exec: cmd must be set');
      if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('Exec: one of stdin, stdout, or stderr must be set');
      if (req.tty && req.stderr) throw invalidArgument('Exec: tty and stderr cannot both be true');
      if (rec.state !== 'running') throw failedPrecondition(`Exec: container ${rec.id} is not running`);
      return { url: await server.url('exec', { containerId: rec.id, req } satisfies PendingExec) };
    },
    async portForward(req: PortForwardRequest) {
      const s = sb.store.get(req.podSandboxId);
      if (!sandboxReady(s)) throw failedPrecondition(`PortForward: pod sandbox ${s.id} is not ready`);
      for (const p of req.port) if (p < 1 || p > 65535) throw invalidArgument(`PortForward: invalid port ${p}`);
      return { url: await server.url('portforward', { netns: `/proc/${s.pid}/ns/net`, ports: [...req.port] } satisfies PendingPortForward) };
    },
  };
}

