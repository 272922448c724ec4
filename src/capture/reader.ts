// Entry point of the capture layer: a path in, packets out through a synchronous sink.
import { open, stat } from 'node:fs/promises';
import { readPcap } from './pcap.js';
import { readPcapng } from './pcapng.js';
import { sniff } from './sniff.js';
import { CaptureError, type CaptureSummary, type FormatContext, type PacketSink } from './types.js';

export { CaptureError } from './types.js';
export type { CapturedPacket, CaptureSummary, PacketSink } from './types.js';

/** Read chunk size: large enough that per-chunk overhead vanishes, small enough to stay cache- and memory-friendly. */
export const CAPTURE_CHUNK_BYTES = 1024 * 1024;
/** Minimum interval between two progress callbacks. */
export const PROGRESS_INTERVAL_MS = 100;

export interface ReadCaptureOptions {
  /** Called at most every PROGRESS_INTERVAL_MS while reading, and once at the end. */
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Read chunk size in bytes (tests use small values to exercise chunk boundaries). */
  chunkBytes?: number;
  /**
   * Asked after each chunk's packets were delivered: return a promise to pause reading until it
   * resolves (e.g. until stdout drains), so a slow consumer keeps memory flat.
   */
  backpressure?(): Promise<void> | undefined;
}

function describeFsError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  return `${path}: cannot read (${(e as Error | null)?.message ?? String(e)})`;
}

/**
 * Reads a pcap / pcap-ns / pcapng file and calls sink.packet() synchronously for every packet.
 * Rejects with CaptureError only when the file as a whole cannot be read (missing, a directory,
 * empty, unknown magic, unreadable header); a truncated or corrupt tail is a sink.warning() and
 * the packets before it have been delivered. An exception thrown by the sink rejects as is.
 */
export async function readCapture(path: string, sink: PacketSink, opts: ReadCaptureOptions = {}): Promise<CaptureSummary> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new CaptureError(`${path}: is a directory, not a capture file`);
    if (!st.isFile()) throw new CaptureError(`${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof CaptureError) throw e;
    throw new CaptureError(describeFsError(path, e));
  }
  if (size === 0) throw new CaptureError(`${path}: empty file`);

  const head = new Uint8Array(4);
  let got = 0;
  try {
    const fh = await open(path, 'r');
    try {
      got = (await fh.read(head, 0, 4, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new CaptureError(describeFsError(path, e));
  }
  const { format } = sniff(head.subarray(0, got), path);

  let warnings = 0;
  const linkTypes: number[] = [];
  const countingSink: PacketSink = {
    packet: (p) => sink.packet(p),
    warning: (m) => {
      warnings++;
      sink.warning(m);
    },
  };
  let lastProgress = 0;
  const onProgress = opts.onProgress;
  const ctx: FormatContext = {
    path,
    fileSize: size,
    highWaterMark: opts.chunkBytes ?? CAPTURE_CHUNK_BYTES,
    sink: countingSink,
    onBytes: onProgress
      ? (n) => {
          const now = performance.now();
          if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
            lastProgress = now;
            onProgress(n, size);
          }
        }
      : () => {},
    onLinkType: (lt) => {
      if (!linkTypes.includes(lt)) linkTypes.push(lt);
    },
    backpressure: () => opts.backpressure?.(),
  };
  const result = format === 'pcapng' ? await readPcapng(ctx) : await readPcap(ctx, format === 'pcap-ns');
  onProgress?.(result.bytes, size);
  return { format, packets: result.packets, bytes: result.bytes, linkTypes, warnings };
}
