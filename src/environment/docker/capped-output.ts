/**
 * Collects a stream's bytes keeping at most `maxBytes`: the first half and the last half, so a
 * test run that prints 200 MB costs a bounded amount of memory while the summary lines at the
 * end (where test runners put them) survive.
 */
export class CappedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(readonly maxBytes: number) {
    this.headLimit = Math.ceil(maxBytes / 2);
    this.tailLimit = maxBytes - this.headLimit;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const taken = rest.subarray(0, this.headLimit - this.headBytes);
      this.head.push(Buffer.from(taken));
      this.headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0 || this.tailLimit === 0) return;
    this.tail.push(Buffer.from(rest.subarray(Math.max(0, rest.length - this.tailLimit))));
    this.tailBytes += Math.min(rest.length, this.tailLimit);
    this.trimTail();
  }

  /** Bytes pushed in total, before capping. */
  get totalBytes(): number {
    return this.total;
  }

  get truncated(): boolean {
    return this.total > this.headBytes + this.tailBytes;
  }

  /** The kept bytes; when some were cut, a line in between says how many. */
  toBuffer(): Buffer {
    const cut = this.total - this.headBytes - this.tailBytes;
    if (cut === 0) return Buffer.concat([...this.head, ...this.tail]);
    const note = Buffer.from(`\n[... ${cut} bytes of output cut (kept the first ${this.headBytes} and the last ${this.tailBytes}) ...]\n`);
    return Buffer.concat([...this.head, note, ...this.tail]);
  }

  private trimTail(): void {
    let excess = this.tailBytes - this.tailLimit;
    while (excess > 0) {
      const first = this.tail[0]!;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        excess -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        excess = 0;
      }
    }
  }
}

/** UTF-8 with each invalid byte sequence replaced by U+FFFD, never throwing. */
export function decodeUtf8(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
