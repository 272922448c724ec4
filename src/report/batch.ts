// Output in ~128 KiB writes: what the text and JSON Lines reporters write through.
import { JsonLineEncoder } from './json.js';

/**
 * Joins many small writes (one JSON line or text block per connection) into ~128 KiB writes: a
 * write per connection cost more CPU in stream bookkeeping than the JSON itself. JSON values go
 * through JsonLineEncoder (bytes, not strings). Callers flush before waiting on backpressure and
 * at the end.
 */
export class Batch {
  private readonly enc: JsonLineEncoder;
  constructor(stream: NodeJS.WritableStream, chunkBytes?: number) {
    // The stream calls back once a chunk is written out; its buffer is then reused.
    this.enc = new JsonLineEncoder((chunk) => stream.write(chunk, () => this.enc.recycle(chunk)), chunkBytes);
  }

  write(text: string): void {
    this.enc.text(text);
  }

  /** One JSON Lines record: the same bytes as JSON.stringify(value) + "\n". */
  json(value: unknown): void {
    this.enc.line(value);
  }

  /** Bytes as they are: JSON lines encoded earlier by another JsonLineEncoder. */
  bytes(b: Buffer): void {
    this.enc.raw(b);
  }

  flush(): void {
    this.enc.flush();
  }
}
