// The read loop both capture readers share: the file in chunks of ctx.highWaterMark bytes, read
// into two buffers used in turn. A fresh buffer per read cost a page fault per 4 KiB on VMs where
// faults are slow, and the next read is already under way while a chunk is parsed, so the main
// thread does not wait for the disk (or the page cache) between chunks.
import type { FileHandle } from 'node:fs/promises';
import { CaptureError, type FormatContext } from './types.js';

/**
 * Calls `chunk` with each piece of the file, in order, until the end or until it returns false.
 * A chunk is a view of a buffer that is read into again as soon as the call returns: the callee
 * copies what it keeps. Between chunks it waits for ctx.backpressure(). Resolves with the bytes
 * read; closes the file either way.
 */
export async function readChunks(ctx: FormatContext, fh: FileHandle, chunk: (bytes: Buffer) => boolean): Promise<number> {
  let cur = Buffer.allocUnsafeSlow(ctx.highWaterMark);
  let spare = Buffer.allocUnsafeSlow(ctx.highWaterMark);
  const read = (into: Buffer): Promise<number> =>
    fh.read(into, 0, into.length, null).then(
      (r) => r.bytesRead,
      (e: Error) => Promise.reject(new CaptureError(`${ctx.path}: read error: ${e.message}`)),
    );
  let bytesRead = 0;
  let pending: Promise<number> | undefined = read(cur);
  try {
    for (;;) {
      const n: number = await pending;
      pending = undefined;
      if (n === 0) break;
      bytesRead += n;
      ctx.onBytes(bytesRead);
      // Reads are sequential (position null), so the next one may start before this chunk is parsed.
      pending = read(spare);
      if (!chunk(cur.subarray(0, n))) break;
      [cur, spare] = [spare, cur];
      // Hold the next chunk until the consumer's output has drained.
      const wait = ctx.backpressure();
      if (wait) await wait;
    }
  } finally {
    // A read still in flight must finish before the file is closed; its result is not wanted.
    if (pending) await pending.catch(() => 0);
    await fh.close();
  }
  return bytesRead;
}
