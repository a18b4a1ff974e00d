// RuntimeService Exec, Attach and PortForward: each checks its request and answers with a one-time URL on the
// streaming server, which then runs the exec or the forwarding for the client that connects.
import type { ServiceImpl } from '@stack/proto';
import type { AttachRequest, ExecRequest, PortForwardRequest, RuntimeService } from '@stack/proto/gen/runtime/v1/api_pb';
import { errorMessage, failedPrecondition, invalidArgument } from '../../core/errdefs.js';
import type { Containers, ContainerStoreCri } from '../container.js';
import { serveAttachChannels } from './attach-channels.js';
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

interface PendingAttach {
  containerId: string;
  req: AttachRequest;
}

export function streamingService(server: StreamingServer, sb: SandboxDeps, containers: ContainerStoreCri, fifoDir: string, running: Containers): Impl {
  server.on<PendingAttach>('attach', (ws, protocol, { containerId, req }) => {
    let target;
    try {
      target = running.attachTarget(containerId);
    } catch (err) {
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(errorMessage(err))]));
      ws.close();
      return;
    }
    serveAttachChannels(ws, protocol, target, { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
  });
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
    async attach(req) {
      const rec = containers.get(req.containerId);
      if (!req.stdin && !req.stdout && !req.stderr) throw invalidArgument('Attach: one of stdin, stdout, or stderr must be set');
      if (rec.state !== 'running') throw failedPrecondition(`Attach: container ${rec.id} is not running`);
      if (req.tty !== (rec.tty === true)) throw invalidArgument(`Attach: tty ${req.tty} does not match the container's (${rec.tty === true})`);
      if (req.stdin && !rec.stdin) throw invalidArgument(`Attach: container ${rec.id} was created without stdin`);
      return { url: await server.url('attach', { containerId: rec.id, req } satisfies PendingAttach) };
    },
    async portForward(req: PortForwardRequest) {
      const s = sb.store.get(req.podSandboxId);
      if (!sandboxReady(s)) throw failedPrecondition(`PortForward: pod sandbox ${s.id} is not ready`);
      for (const p of req.port) if (p < 1 || p > 65535) throw invalidArgument(`PortForward: invalid port ${p}`);
      return { url: await server.url('portforward', { netns: `/proc/${s.pid}/ns/net`, ports: [...req.port] } satisfies PendingPortForward) };
    },
  };
}

