// Splits a byte stream into lines for the log, as Docker's json-file driver does: a record per line,
// and a record for a partial line once it reaches the maximum length.
export const MAX_LINE = 16 * 1024;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(private readonly maxLine = MAX_LINE) {}

  /** Complete lines (each ending in \n) and over-long partial lines found so far. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const lineEnd = nl < 0 ? chunk.length : nl + 1;
      const room = this.maxLine - this.pendingLength;
      // The newline does not count against the limit.
      const take = nl >= 0 && lineEnd - start === room + 1 ? room + 1 : Math.min(lineEnd - start, room);
      this.pending.push(chunk.subarray(start, start + take));
      this.pendingLength += take;
      start += take;
      if ((nl >= 0 && start === lineEnd) || this.pendingLength >= this.maxLine) out.push(this.take());
    }
    return out;
  }

  /** What is left when the stream ends (a last line without \n), if anything. */
  flush(): Buffer | undefined {
    return this.pendingLength ? this.take() : undefined;
  }

  private take(): Buffer {
    const b = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingLength = 0;
    return b;
  }
}
