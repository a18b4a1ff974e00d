// Docker's JSON-lines progress (pull, push, load, import) shown as docker's client shows it. On a
// terminal each layer id owns a line that later messages rewrite in place (cursor up, clear, write,
// cursor down), with the daemon's bar and human sizes; lines without an id (`Digest:`, `Status:`,
// `Loaded image:`) are plain lines and reset that history. Elsewhere every message but the bars is one
// line. An {"error"} message fails the operation.
import type { IncomingMessage } from 'node:http';
import type * as Readline from 'node:readline';

interface Message {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
}

export class ProgressError extends Error {}

const ESC = '\x1b[';

/** Writes one message as docker's jsonmessage.Display does; `tty` adds the in-place line handling. */
function display(m: Message, out: NodeJS.WritableStream, tty: boolean): void {
  const isProgress = m.progressDetail !== undefined || m.progress !== undefined;
  let endl = '';
  if (tty && m.stream === undefined && isProgress) {
    out.write(`${ESC}2K\r`);
    endl = '\r';
  } else if (isProgress && m.progress) {
    return; // bars only on a terminal
  }
  if (m.id) out.write(`${m.id}: `);
  if (tty && isProgress) out.write(`${m.status ?? ''} ${m.progress ?? ''}${endl}`);
  else if (m.stream !== undefined) out.write(`${m.stream}${endl}`);
  else out.write(`${m.status ?? ''}${endl}\n`);
}

export async function renderProgress(res: IncomingMessage, out: NodeJS.WriteStream, quiet = false): Promise<void> {
  const tty = Boolean(out.isTTY);
  /** Terminal line of each id, counted from the first progress line of the current run. */
  let lines = new Map<string, number>();
  let failure: string | undefined;
  // Required here, not at load: node:readline is not safe in the CLI's startup snapshot.
  const readline = require('node:readline') as typeof Readline;
  const rl = readline.createInterface({ input: res, crlfDelay: Infinity });
  for await (const text of rl) {
    if (!text.trim()) continue;
    let m: Message;
    try {
      m = JSON.parse(text) as Message;
    } catch {
      continue;
    }
    if (m.error) {
      failure = m.error;
      break;
    }
    if (quiet) continue;
    let diff = 0;
    if (m.id && (m.progressDetail !== undefined || m.progress !== undefined)) {
      let line = lines.get(m.id);
      if (line === undefined) {
        line = lines.size;
        lines.set(m.id, line);
        if (tty) out.write('\n');
      }
      diff = lines.size - line;
      if (tty && diff) out.write(`${ESC}${diff}A`);
    } else {
      lines = new Map();
    }
    display(m, out, tty);
    if (m.id && tty && diff) out.write(`${ESC}${diff}B`);
  }
  if (failure !== undefined) throw new ProgressError(failure);
}
