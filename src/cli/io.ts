// The streams a command writes to, injectable so tests can run commands in-process.
import { makeStyle, useColor, type ColorChoice, type Style } from '../report/style.js';
import { JsonLineEncoder } from '../report/json.js';

export interface Io {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export const processIo: Io = { out: process.stdout, err: process.stderr };

export function styleFor(io: Io, color: ColorChoice): Style {
  return makeStyle(useColor(io.out, color));
}

/** A promise that resolves when the stream has drained, or undefined when it is not full. */
export function drained(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }): Promise<void> | undefined {
  if (!stream.writableNeedDrain) return undefined;
  return new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/** Writes and waits for the stream to drain, so huge outputs keep memory flat. */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await drained(stream);
}

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
