// Docker's JSON-lines progress (pull, push, load): one bar per layer on a terminal (cli-progress),
// one line per status change otherwise; an {"error"} line fails the whole operation.
import type { IncomingMessage } from 'node:http';
import type * as Readline from 'node:readline';
import type * as CliProgress from 'cli-progress';

interface Message {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  aux?: unknown;
}

export class ProgressError extends Error {}

export async function renderProgress(res: IncomingMessage, out: NodeJS.WriteStream, quiet = false): Promise<void> {
  const tty = Boolean(out.isTTY) && !quiet;
  // Loaded only for a terminal: it costs ~10 ms of every CLI start otherwise.
  const cliProgress = tty ? (require('cli-progress') as typeof CliProgress) : undefined;
  const multi = cliProgress ? new cliProgress.MultiBar({ stream: out, format: '{id}: {status} {bar} {value}/{total}', hideCursor: true, clearOnComplete: false, barsize: 30, forceRedraw: true }, cliProgress.Presets.shades_classic) : undefined;
  const bars = new Map<string, CliProgress.SingleBar>();
  const lastStatus = new Map<string, string>();
  let failure: string | undefined;
  // Required here, not at load: node:readline is not safe in the CLI's startup snapshot.
  const readline = require('node:readline') as typeof Readline;
  const rl = readline.createInterface({ input: res, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let m: Message;
    try {
      m = JSON.parse(line) as Message;
    } catch {
      continue;
    }
    if (m.error) {
      failure = m.error;
      break;
    }
    if (m.stream) {
      if (multi) multi.log(m.stream);
      else if (!quiet) out.write(m.stream);
      continue;
    }
    if (!m.status) continue;
    if (!m.id || m.status.startsWith('Pulling from')) {
      const text = m.id ? `${m.id}: ${m.status}\n` : `${m.status}\n`;
      if (multi) multi.log(text);
      else if (!quiet) out.write(text);
      continue;
    }
    if (multi) {
      let bar = bars.get(m.id);
      const total = m.progressDetail?.total ?? 0;
      if (!bar) {
        bar = multi.create(total || 1, 0, { id: m.id, status: m.status });
        bars.set(m.id, bar);
      }
      if (total) bar.setTotal(total);
      const current = m.progressDetail?.current;
      const done = ['Pull complete', 'Already exists', 'Pushed', 'Layer already exists', 'Download complete'].includes(m.status);
      bar.update(done ? bar.getTotal() : (current ?? bar.getProgress() * bar.getTotal()), { id: m.id, status: m.status.padEnd(18) });
    } else if (!quiet && lastStatus.get(m.id) !== m.status) {
      lastStatus.set(m.id, m.status);
      out.write(`${m.id}: ${m.status}\n`);
    }
  }
  multi?.stop();
  if (failure !== undefined) throw new ProgressError(failure);
}
