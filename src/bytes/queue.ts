/**
 * A copy of b[start, end) in memory of its own. Not `b.slice()`: on a Buffer (what pcap-parser
 * and sockets hand out) slice() is a view, and the bytes would change when the reader reuses
 * its buffer.
 */
export function copyBytes(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}

/**
 * A FIFO of byte chunks that remembers each chunk's offset in its stream.
 * Handshake messages span records and records span TCP segments; the queue lets
 * us take exactly one message out without copying when it sits in one chunk.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private offsets: number[] = [];
  private head = 0;
  /** Bytes already consumed from chunks[head]. */
  private headPos = 0;
  private total = 0;
  /** How many chunks at the tail still belong to the caller (see own()). */
  private lent = 0;

  get length(): number {
    return this.total;
  }

  /** Stream offset of the next byte, or undefined when empty. */
  get offset(): number | undefined {
    return this.total === 0 ? undefined : this.offsets[this.head]! + this.headPos;
  }

  push(chunk: Uint8Array, offset: number): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.offsets.push(offset);
    this.total += chunk.length;
    this.lent++;
  }

  /** Byte at position i from the front (i < length). */
  at(i: number): number {
    let idx = this.head;
    let pos = this.headPos + i;
    while (pos >= this.chunks[idx]!.length) {
      pos -= this.chunks[idx]!.length;
      idx++;
    }
    return this.chunks[idx]![pos]!;
  }

  /** Removes and returns the first n bytes (n <= length). */
  take(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (first.length - this.headPos >= n) {
      const out = first.subarray(this.headPos, this.headPos + n);
      this.drop(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    // Walks the chunks once and compacts once: dropping chunk by chunk compacted (copied the
    // chunk list) for every chunk past the 64th, quadratic for a message sent in 1-byte records.
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const part = Math.min(c.length - this.headPos, n - filled);
      out.set(c.subarray(this.headPos, this.headPos + part), filled);
      filled += part;
      this.headPos += part;
      if (this.headPos === c.length) {
        this.head++;
        this.headPos = 0;
      }
    }
    this.total -= n;
    if (this.head > 64 || this.total === 0) this.compact();
    return out;
  }

  /** Discards the first n bytes (n <= length). */
  drop(n: number): void {
    this.total -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const avail = c.length - this.headPos;
      if (n < avail) {
        this.headPos += n;
        return;
      }
      n -= avail;
      this.head++;
      this.headPos = 0;
    }
    if (this.head > 64 || this.total === 0) this.compact();
  }

  /**
   * Replaces every held chunk by a copy, so the queue no longer pins its callers' buffers
   * (a 64 KiB socket read or a 1 MiB file chunk) while a message waits for its tail.
   */
  own(): void {
    // Only chunks pushed since the last call are copied, so feeding a long message one byte at
    // a time stays linear.
    const first = Math.max(this.head, this.chunks.length - this.lent);
    for (let i = first; i < this.chunks.length; i++) {
      const from = i === this.head ? this.headPos : 0;
      this.chunks[i] = copyBytes(this.chunks[i]!, from);
      this.offsets[i] = this.offsets[i]! + from;
      if (i === this.head) this.headPos = 0;
    }
    this.lent = 0;
  }

  clear(): void {
    // New arrays, not `length = 0`: a queue is emptied once per handshake message, and V8
    // empties an array in place through a runtime call that drops its backing store anyway
    // (allocating about as much as a new array, at several times the cost).
    if (this.chunks.length > 0) {
      this.chunks = [];
      this.offsets = [];
    }
    this.head = 0;
    this.headPos = 0;
    this.total = 0;
    this.lent = 0;
  }

  private compact(): void {
    if (this.total === 0) {
      this.clear();
      return;
    }
    this.chunks.splice(0, this.head);
    this.offsets.splice(0, this.head);
    this.head = 0;
    this.lent = Math.min(this.lent, this.chunks.length);
  }
}
