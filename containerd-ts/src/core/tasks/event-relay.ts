// Task events come from the shims (they own the processes); containerd-ts re-publishes them on its
// own Events service. The last relayed sequence number is kept on disk per shim, so a restarted
// containerd-ts resumes where it stopped — no lost and no repeated events.
import * as fs from 'node:fs';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Exchange } from '../events/exchange.js';
import type { Logger } from '../log/logger.js';
import type { ShimConnection } from './shim-connection.js';

interface Position {
  shimPid: number;
  seq: number;
}

function readPosition(file: string): Position {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Position;
  } catch {
    return { shimPid: 0, seq: 0 };
  }
}

function writePosition(file: string, p: Position): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(p));
  fs.renameSync(`${file}.tmp`, file);
}

export class EventRelay {
  private readonly abort = new AbortController();

  constructor(
    private readonly conn: ShimConnection,
    private readonly positionFile: string,
    private readonly exchange: Exchange,
    private readonly log: Logger,
    /** Called once when the shim is gone (its stream broke and its process is dead). */
    private readonly onGone: () => void,
    /** Whether the shim's process still lives: a busy shim that is slow to answer is not dead. */
    private readonly alive: () => boolean,
  ) {}

  private async shimPid(): Promise<number | undefined> {
    for (;;) {
      try {
        return (await this.conn.task.connect({}, { deadline: 5000 })).shimPid;
      } catch {
        if (this.abort.signal.aborted) return undefined;
        if (!this.alive()) {
          this.onGone();
          return undefined;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async run(): Promise<void> {
    const shimPid = await this.shimPid();
    if (shimPid === undefined) return;
    let pos = readPosition(this.positionFile);
    if (pos.shimPid !== shimPid) pos = { shimPid, seq: 0 }; // another shim: its numbering starts over
    for (;;) {
      try {
        for await (const e of this.conn.streams.events({ afterSeq: BigInt(pos.seq) }, { signal: this.abort.signal })) {
          this.exchange.forward({ timestamp: e.timestamp ? timestampDate(e.timestamp) : new Date(), namespace: e.namespace, topic: e.topic, event: { typeUrl: e.event?.typeUrl ?? '', value: e.event?.value ?? new Uint8Array() } });
          pos = { shimPid, seq: Number(e.seq) };
          writePosition(this.positionFile, pos);
        }
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.log.debug('shim event stream broke', { group: this.conn.group, error: (err as Error).message });
      }
      if (this.abort.signal.aborted) return;
      if (!this.alive()) {
        this.onGone();
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  stop(): void {
    this.abort.abort();
  }
}
