// The streams a command writes to, injectable so tests can run commands in-process.
import { makeStyle, useColor, type ColorChoice, type Style } from '../report/style.js';

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
 * Joins many small writes (one JSON line per connection) into ~64 KiB writes: a write per
 * connection cost more CPU in stream bookkeeping than the JSON itself. Callers flush before
 * waiting on backpressure and at the end.
 */
export class Batch {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly stream: NodeJS.WritableStream, private readonly limit = 64 * 1024) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    this.stream.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}
