// Docker's multiplexed stream framing for logs, attach and exec without a TTY: each frame is an
// 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)] and the payload.
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** The daemon's own error inside the stream (logs it could not read); clients raise it. */
export const SYSTEMERR = 3;

export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Splits a framed byte stream back into (stream, payload) pairs, chunk by chunk. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.onFrame(this.pending[0]!, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
