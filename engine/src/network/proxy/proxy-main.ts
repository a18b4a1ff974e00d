#!/usr/bin/env node
// engine-proxy: the userland side of published ports (what docker-proxy is to dockerd), one
// process for all containers. It outlives the daemon, like the containers' shims, so published
// ports keep working across a daemon restart; the daemon finds it again through its control
// socket and pid file. Readiness is one line on fd 3.
//   engine-proxy --control SOCKET
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { PROXY_TITLE } from './proxy-process.js';
import { ProxyServer } from './proxy-server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { control: { type: 'string' } } });
  if (!values.control) throw new Error('usage: engine-proxy --control SOCKET');
  process.title = PROXY_TITLE;
  // The daemon may die at any time; our stdio then leads nowhere, and that must not kill us.
  process.on('SIGPIPE', () => undefined);
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`engine-proxy: ${err.stack ?? err.message}\n`);
  });
  const server = new ProxyServer(() => process.exit(0));
  await server.listen(values.control);
  try {
    fs.writeSync(3, 'ready\n');
    fs.closeSync(3);
  } catch {
    // started without a readiness pipe
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`engine-proxy: ${(err as Error).message}\n`);
  process.exit(1);
});
