// Writing to Node streams with backpressure: any layer that writes output uses these.

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
