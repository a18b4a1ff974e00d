// Misbehaving clients against engined: raw connections that send whole or partial requests to every
// hijacked and streamed endpoint and drop them at random points, eight at a time. Used by the CI test
// (seconds) and the soak benchmark (minutes); a seed replays a run.
import * as net from 'node:net';
import type { Stack } from './stack.js';
import { prng } from './seeded-random.js';

export function request(method: string, path: string, body = '', upgrade = false): string {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: engine', `Content-Length: ${Buffer.byteLength(body)}`];
  if (body) head.push('Content-Type: application/json');
  if (upgrade) head.push('Connection: Upgrade', 'Upgrade: tcp');
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

export type Drop = { kind: 'partial'; bytes: number } | { kind: 'after-headers' } | { kind: 'after'; ms: number; stdin: boolean };

/** Sends (part of) a request on engined's socket and drops the connection where `drop` says. */
export function sendAndDrop(socket: string, text: string, drop: Drop): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect(socket);
    let timer: NodeJS.Timeout | undefined;
    const gone = () => {
      if (timer) clearTimeout(timer);
      resolve();
    };
    sock.on('error', gone);
    sock.on('close', gone);
    sock.on('connect', () => {
      if (drop.kind === 'partial') {
        sock.write(text.slice(0, drop.bytes), () => sock.destroy());
        return;
      }
      sock.write(text);
      if (drop.kind === 'after-headers') {
        sock.once('data', () => sock.destroy());
        timer = setTimeout(() => sock.destroy(), 5000);
        return;
      }
      if (drop.stdin) sock.write('some input\n');
      timer = setTimeout(() => sock.destroy(), drop.ms);
    });
  });
}

/** The containers the stress aims at: `target` (attached to, exec'd in), `counter` (a numbered log), `short` (exited). */
export async function startStressTargets(s: Stack): Promise<void> {
  for (const args of [
    ['run', '-d', '-i', '--name', 'target', 'busybox', 'sh', '-c', 'while true; do echo tick; sleep 0.1; done'],
    ['run', '-d', '--name', 'counter', 'busybox', 'sh', '-c', 'i=0; while true; do echo n$i; i=$((i+1)); sleep 0.02; done'],
    ['run', '-d', '--name', 'short', 'busybox', 'true'],
  ]) {
    const r = await s.engine(args);
    if (r.code !== 0) throw new Error(`engine ${args.join(' ')}: ${r.stderr}`);
  }
}

async function execId(s: Stack, container: string): Promise<string> {
  const r = await s.api('POST', `/containers/${container}/exec`, JSON.stringify({ Cmd: ['sh', '-c', 'echo from-exec; sleep 0.2'], AttachStdout: true, AttachStderr: true, AttachStdin: true }));
  if (r.status !== 201) throw new Error(`exec create on ${container}: ${r.status} ${r.body}`);
  return (JSON.parse(r.body) as { Id: string }).Id;
}

/** Runs the misbehaving clients for `durationMs`; resolves with how many connections were dropped. */
export async function runEngineStress(s: Stack, opts: { durationMs: number; seed: number }): Promise<{ connections: number }> {
  const random = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const makers: Array<() => Promise<string>> = [
    async () => request('POST', '/v1.41/containers/target/attach?stream=1&stdin=1&stdout=1&stderr=1'),
    async () => request('POST', '/v1.41/containers/target/attach?stream=1&stdin=1&stdout=1&stderr=1', '', true),
    async () => request('POST', '/v1.41/containers/target/attach?logs=1&stdout=1', '', pick([true, false])),
    async () => request('POST', `/v1.41/exec/${await execId(s, 'target')}/start`, '{"Detach":false,"Tty":false}', true),
    async () => request('POST', `/v1.41/exec/${await execId(s, 'target')}/start`, '{"Detach":false,"Tty":false}'),
    async () => request('GET', '/v1.41/containers/target/logs?follow=1&stdout=1&stderr=1&tail=5'),
    async () => request('GET', '/v1.41/containers/counter/logs?follow=1&stdout=1&timestamps=1'),
    async () => request('POST', '/v1.41/containers/counter/attach?stream=1&stdout=1', '', true),
    async () => request('GET', '/v1.41/containers/target/logs?stdout=1&timestamps=1'),
    async () => request('GET', '/v1.41/events'),
    async () => request('GET', `/v1.41/events?since=0&until=${Math.floor(Date.now() / 1000) + 1}`),
    async () => request('POST', '/v1.41/containers/target/wait'),
    async () => request('POST', '/v1.41/containers/short/wait?condition=not-running'),
    async () => request('POST', '/v1.41/containers/create', JSON.stringify({ Image: 'busybox', Cmd: ['true'], Labels: { pad: 'x'.repeat(2000) } })),
    async () => request('GET', '/v1.41/containers/json?all=1'),
  ];
  const inFlight: Array<Promise<void>> = [];
  const end = Date.now() + opts.durationMs;
  let connections = 0;
  while (Date.now() < end) {
    connections++;
    const text = await pick(makers)();
    const r = random();
    const drop: Drop = r < 0.35 ? { kind: 'partial', bytes: Math.floor(random() * text.length) } : r < 0.6 ? { kind: 'after-headers' } : { kind: 'after', ms: Math.floor(random() * 300), stdin: random() < 0.5 };
    inFlight.push(sendAndDrop(s.socket, text, drop));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return { connections };
}

/** What must hold after a stress: engined answers, `target` and `counter` run as the same processes, the counter's log has every line. */
export async function stressDamage(s: Stack, before: { target: string; counter: string }): Promise<string[]> {
  const problems: string[] = [];
  const pid = s.enginedPid();
  try {
    if (pid === undefined) throw new Error('no pid');
    process.kill(pid, 0);
    if ((await s.api('GET', '/_ping')).body !== 'OK') problems.push('engined does not answer /_ping');
  } catch {
    problems.push('engined is gone');
    return problems;
  }
  for (const name of ['target', 'counter'] as const) {
    const now = (await s.engine(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', name])).stdout.trim();
    if (now !== `running ${before[name]}`) problems.push(`${name}: ${now}, was running ${before[name]}`);
  }
  const counted = (await s.engine(['logs', 'counter'])).stdout.split('\n').filter(Boolean);
  const gaps = counted.filter((l, i) => l !== `n${i}`);
  if (counted.length <= 10 || gaps.length) problems.push(`counter's log: ${counted.length} lines, ${gaps.length} out of order (first: ${gaps[0]})`);
  return problems;
}

export async function stressPids(s: Stack): Promise<{ target: string; counter: string }> {
  const pid = async (n: string) => (await s.engine(['inspect', '-f', '{{.State.Pid}}', n])).stdout.trim();
  return { target: await pid('target'), counter: await pid('counter') };
}
