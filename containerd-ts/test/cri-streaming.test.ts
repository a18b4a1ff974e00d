// CRI streaming: Exec and PortForward URLs served over WebSocket with kubelet's channel protocols.
// Exec with stdin/stdout/stderr and the exit status (v4: metav1.Status), stdin closed by v5's close
// channel, a terminal resized, an exec killed when its client goes; one-time tokens, SPDY and unknown
// protocols refused; PortForward to a server listening only on the pod's localhost.
import * as fs from 'node:fs';
import { Code } from '@stack/proto';
import { callError } from './cri-client.js';
import { startCriFixture, type CriFixture } from './support/cri-fixture.js';
import { connectChannels } from './support/ws-client.js';

jest.setTimeout(60_000);

describe('CRI streaming server', () => {
  let f: CriFixture;
  let pod: string;
  let ctr: string;
  beforeAll(async () => {
    f = await startCriFixture('cri-stream-', { bridge: 'cristrm1', subnet: '10.125.12.0/24' });
    const cfg = f.sandboxConfig('stream');
    pod = (await f.cri.runtime.runPodSandbox({ config: cfg })).podSandboxId;
    ctr = (await f.cri.runtime.createContainer({ podSandboxId: pod, config: f.container('web', ['sh', '-c', 'mkdir -p /www; echo pod-local > /www/index.html; exec httpd -f -p 127.0.0.1:8080 -h /www']), sandboxConfig: cfg })).containerId;
    await f.cri.runtime.startContainer({ containerId: ctr });
  });
  afterAll(async () => {
    await f?.teardown();
  });

  const text = (b: Buffer | undefined) => (b ?? Buffer.alloc(0)).toString('utf8');

  test('exec: stdin, stdout, stderr and a non-zero exit as metav1.Status (v4)', async () => {
    const { url } = await f.cri.runtime.exec({ containerId: ctr, cmd: ['sh', '-c', 'echo out; echo err >&2; read line; echo got:$line; exit 3'], stdin: true, stdout: true, stderr: true, tty: false });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]+$/);
    const c = await connectChannels(url, ['v4.channel.k8s.io', 'channel.k8s.io']);
    expect(c.protocol).toBe('v4.channel.k8s.io');
    c.send(0, 'hello\n');
    await c.closed;
    expect(text(c.channels.get(1))).toBe('out\ngot:hello\n');
    expect(text(c.channels.get(2))).toBe('err\n');
    expect(JSON.parse(text(c.channels.get(3)))).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command ["sh","-c","echo out; echo err >&2; read line; echo got:$line; exit 3"], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
    // The token was used: a second connection is refused.
    await expect(connectChannels(url, ['v4.channel.k8s.io'])).rejects.toMatchObject({ status: 404 });
  });

  test('exec: v5 closes stdin; channel.k8s.io reports success by saying nothing', async () => {
    const { url } = await f.cri.runtime.exec({ containerId: ctr, cmd: ['cat'], stdin: true, stdout: true, stderr: false, tty: false });
    const c = await connectChannels(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(c.protocol).toBe('v5.channel.k8s.io');
    c.send(0, 'line one\n');
    c.send(255, Buffer.from([0]));
    await c.closed;
    expect(text(c.channels.get(1))).toBe('line one\n');
    expect(JSON.parse(text(c.channels.get(3)))).toEqual({ metadata: {}, status: 'Success' });
    const v1 = await connectChannels((await f.cri.runtime.exec({ containerId: ctr, cmd: ['echo', 'v1'], stdout: true, stdin: false, stderr: false, tty: false })).url, ['channel.k8s.io']);
    await v1.closed;
    expect(text(v1.channels.get(1))).toBe('v1\n');
    expect(v1.channels.has(3)).toBe(false);
  });

  test('exec with a terminal: resized by the client', async () => {
    const { url } = await f.cri.runtime.exec({ containerId: ctr, cmd: ['sh', '-c', 'sleep 1; stty size; tty'], stdin: true, stdout: true, stderr: false, tty: true });
    const c = await connectChannels(url, ['v4.channel.k8s.io']);
    c.send(4, JSON.stringify({ Width: 123, Height: 45 }));
    await c.closed;
    expect(`${text(c.channels.get(3))}|${text(c.channels.get(1))}`).toMatch(/\|45 123\r\n\/dev\/pts\/\d+\r\n$/);
    expect(JSON.parse(text(c.channels.get(3))).status).toBe('Success');
  });

  test('an exec whose client goes away is killed', async () => {
    const { url } = await f.cri.runtime.exec({ containerId: ctr, cmd: ['sleep', '4242'], stdin: false, stdout: true, stderr: false, tty: false });
    const c = await connectChannels(url, ['v4.channel.k8s.io']);
    const ps = async () => Buffer.from((await f.cri.runtime.execSync({ containerId: ctr, cmd: ['ps'], timeout: 0n })).stdout).toString();
    expect(await ps()).toMatch(/sleep 4242/);
    c.ws.close();
    await c.closed;
    for (let i = 0; i < 100 && /sleep 4242/.test(await ps()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await ps()).not.toMatch(/sleep 4242/);
  });

  test('refusals: SPDY, unknown protocols, unknown tokens, bad exec requests', async () => {
    const req = () => f.cri.runtime.exec({ containerId: ctr, cmd: ['true'], stdin: false, stdout: true, stderr: false, tty: false });
    const spdy = await connectChannels((await req()).url, [], { Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' }).catch((e: { status: number; body: string }) => e);
    expect(spdy).toMatchObject({ status: 400, body: expect.stringContaining('SPDY is not supported') });
    const proto = await connectChannels((await req()).url, ['v9.channel.k8s.io']).catch((e: { status: number; body: string }) => e);
    expect(proto).toMatchObject({ status: 400, body: expect.stringContaining('none of the offered protocols (v9.channel.k8s.io) is supported') });
    const url = new URL((await req()).url);
    await expect(connectChannels(`http://${url.host}/exec/AAAAAAAAAAA`, ['v4.channel.k8s.io'])).rejects.toMatchObject({ status: 404 });
    expect((await callError(f.cri.runtime.exec({ containerId: ctr, cmd: ['true'], stdin: false, stdout: false, stderr: false, tty: false }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await callError(f.cri.runtime.exec({ containerId: ctr, cmd: ['true'], stdin: false, stdout: true, stderr: true, tty: true }))).message).toMatch(/tty and stderr cannot both be true/);
    expect((await callError(f.cri.runtime.exec({ containerId: ctr, cmd: [], stdin: false, stdout: true, stderr: false, tty: false }))).code).toBe(Code.INVALID_ARGUMENT);
    expect((await callError(f.cri.runtime.exec({ containerId: 'b'.repeat(64), cmd: ['true'], stdin: false, stdout: true, stderr: false, tty: false }))).code).toBe(Code.NOT_FOUND);
    expect((await callError(f.cri.runtime.portForward({ podSandboxId: 'b'.repeat(64), port: [80] }))).code).toBe(Code.NOT_FOUND);
  });

  test('port-forward reaches a server on the pod\'s localhost; a closed port reports its error', async () => {
    const { url } = await f.cri.runtime.portForward({ podSandboxId: pod, port: [8080] });
    expect(url).toMatch(/\/portforward\//);
    const c = await connectChannels(url, ['v4.channel.k8s.io']);
    c.send(0, 'GET /index.html HTTP/1.0\r\n\r\n');
    await c.closed;
    const data = c.channels.get(0) ?? Buffer.alloc(0);
    expect([...data.subarray(0, 2)]).toEqual([8080 & 0xff, 8080 >> 8]); // the port opens the channel
    expect(text(data.subarray(2))).toMatch(/^HTTP\/1\.[01] 200 OK[\s\S]*\r\n\r\npod-local\n$/);
    const closed = await connectChannels(`${(await f.cri.runtime.portForward({ podSandboxId: pod, port: [] })).url}?port=9`, ['v4.channel.k8s.io']);
    await closed.closed;
    expect(text(closed.channels.get(1)?.subarray(2))).toMatch(/error forwarding port 9 to pod: connect ECONNREFUSED 127\.0\.0\.1:9/);
  });

  test('attach: stdin (once), stdout and stderr of a running container; then with a terminal', async () => {
    const cfg = f.sandboxConfig('stream');
    const { containerId: reader } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: { ...f.container('reader', ['sh', '-c', 'while read l; do echo got:$l; echo err:$l >&2; done; echo bye']), stdin: true, stdinOnce: true }, sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId: reader });
    const { url } = await f.cri.runtime.attach({ containerId: reader, stdin: true, stdout: true, stderr: true, tty: false });
    expect(url).toMatch(/\/attach\//);
    const c = await connectChannels(url, ['v4.channel.k8s.io']);
    c.send(0, 'a\n');
    for (let i = 0; i < 100 && !text(c.channels.get(2)).includes('err:a'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(text(c.channels.get(1))).toBe('got:a\n');
    expect(text(c.channels.get(2))).toBe('err:a\n');
    c.ws.close(); // stdin_once: the container's stdin ends with this attach
    const st = await f.exited(reader);
    expect(st.exitCode).toBe(0);
    const log = fs.readFileSync(st.logPath, 'utf8');
    expect(log.split('\n').filter(Boolean).map((l) => l.split(' ').slice(1).join(' '))).toEqual(['stdout F got:a', 'stderr F err:a', 'stdout F bye']);

    const { containerId: shell } = await f.cri.runtime.createContainer({ podSandboxId: pod, config: { ...f.container('shell', ['sh']), stdin: true, tty: true }, sandboxConfig: cfg });
    await f.cri.runtime.startContainer({ containerId: shell });
    expect((await callError(f.cri.runtime.attach({ containerId: shell, stdin: true, stdout: true, stderr: false, tty: false }))).message).toMatch(/tty false does not match the container's \(true\)/);
    const t = await connectChannels((await f.cri.runtime.attach({ containerId: shell, stdin: true, stdout: true, stderr: false, tty: true })).url, ['v4.channel.k8s.io']);
    t.send(4, JSON.stringify({ Width: 77, Height: 22 }));
    t.send(0, 'echo hi-$((1+2)); stty size; exit 5\n');
    await t.closed;
    expect(text(t.channels.get(1))).toMatch(/hi-3\r\n22 77\r\n/);
    expect(JSON.parse(text(t.channels.get(3)))).toEqual({ metadata: {}, status: 'Success' });
    expect((await f.exited(shell)).exitCode).toBe(5);
    expect((await callError(f.cri.runtime.attach({ containerId: shell, stdin: false, stdout: true, stderr: false, tty: true }))).code).toBe(Code.FAILED_PRECONDITION);
    expect((await callError(f.cri.runtime.attach({ containerId: ctr, stdin: true, stdout: true, stderr: false, tty: false }))).message).toMatch(/was created without stdin/);
  });
});
