// Plays the daemon in a process of its own, so a test can kill -9 it: opens a NetworkManager,
// runs the operations it is given, writes what they returned to <out>, then idles until killed.
// With `crashAt`, it stops at that attach step instead (writing <out> there) and idles, so the
// test can kill it mid-attach.
//   node daemon-child.js '<json job>' <out>
import * as fs from 'node:fs';
import { NetworkManager, type AttachOptions, type AttachStep, type CreateNetworkOptions, type NetworkManagerOptions } from '../../../src/network/index.js';

export interface ChildJob {
  options: NetworkManagerOptions;
  live: string[];
  ops: ({ op: 'createNetwork'; network: CreateNetworkOptions } | { op: 'attach'; id: string; attach: AttachOptions })[];
  crashAt?: AttachStep;
}

const idle = (): Promise<never> => new Promise(() => setInterval(() => undefined, 60_000));

/** Whole or not at all: the test polls for the file. */
function report(out: string, value: unknown): void {
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(value));
  fs.renameSync(`${out}.tmp`, out);
}

async function main(): Promise<void> {
  const [jobText, out] = process.argv.slice(2);
  const job = JSON.parse(jobText ?? '{}') as ChildJob;
  const options: NetworkManagerOptions = { ...job.options };
  if (job.crashAt) {
    options.onAttachStep = async (step) => {
      if (step !== job.crashAt) return;
      report(out!, { stoppedAt: step });
      await idle();
    };
  }
  const m = NetworkManager.open(options);
  await m.recover(job.live);
  const results: unknown[] = [];
  for (const op of job.ops) {
    if (op.op === 'createNetwork') results.push(await m.createNetwork(op.network));
    else results.push(await m.attach(op.id, op.attach));
  }
  report(out!, { results });
  await idle();
}

main().catch((err: unknown) => {
  process.stderr.write(`daemon-child: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
