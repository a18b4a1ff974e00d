// Where one output stream of a process goes: the log (one record per line), a FIFO or file, and any
// attached clients, all fed from the same bytes in the same order.
import * as fs from 'node:fs';
import type { Writable } from 'node:stream';
import type { JsonLogWriter } from './json-log-writer.js';
import { LineSplitter } from './line-splitter.js';

export type StreamName = 'stdout' | 'stderr';
export type OutputListener = (stream: StreamName, chunk: Buffer) => void;

export class OutputFanout {
  private readonly splitter = new LineSplitter();
  constructor(
    readonly stream: StreamName,
    private readonly listeners: Set<OutputListener>,
    private readonly log?: JsonLogWriter,
    private readonly sink?: Writable,
    private readonly fileFd?: number,
    /** Told when an attached client's listener threw: the output still reaches everything else. */
    private readonly onListenerError: (err: unknown) => void = () => undefined,
  ) {}

  /** Returns false when the FIFO sink is full: the caller pauses its source until 'drain'. */
  push(chunk: Buffer): boolean {
    if (this.log) {
      const now = performance.timeOrigin + performance.now();
      for (const line of this.splitter.push(chunk)) this.log.write(this.stream, line, now);
    }
    if (this.fileFd !== undefined) {
      try {
        fs.writeSync(this.fileFd, chunk);
      } catch {
        // a file target that fails (disk full) must not stop the container
      }
    }
    for (const l of this.listeners) {
      try {
        l(this.stream, chunk);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return this.sink ? this.sink.write(chunk) : true;
  }

  /** The process's side closed: flush the last partial line, and close a FIFO so its reader sees EOF. */
  end(): void {
    const rest = this.splitter.flush();
    if (rest && this.log) this.log.write(this.stream, rest, performance.timeOrigin + performance.now());
    this.sink?.end();
  }

  waitDrain(): Promise<void> {
    return new Promise((resolve) => (this.sink ? this.sink.once('drain', resolve) : resolve()));
  }
}
