// Entry point of the capture layer: a path in, packets out through a synchronous sink.
//
// A regular file is read with its size known, in place (chunks.ts). Anything else (a pipe, a
// FIFO, /dev/stdin, /dev/fd/N from a shell's process substitution, a socket) has no size and
// cannot be re-opened or seeked: its first bytes are read from the stream itself to tell pcap
// from pcapng, and then handed to the format reader ahead of the rest, as the stream delivers it.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { close as closeFd, createReadStream, fstatSync, open as openFd, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { readChunks } from './chunks.js';
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
/** The file argument that means standard input, as for tcpdump -r - and cat. */
export const STDIN = '-';

/** How an input is named in messages: the path as given, or "standard input" for `-`. */
export function inputName(path: string): string {
  return path === STDIN ? 'standard input' : path;
}

/** What kind of input readCapture found, told before the first packet. */
export interface InputInfo {
  /**
   * A pipe, FIFO or socket (not a regular file): it has no size, its end is known only when it
   * comes, and it may be a capture still being written (tcpdump -w -).
   */
  stream: boolean;
  /** Bytes of a regular file. */
  size?: number;
}

export interface ReadCaptureOptions {
  /** Called at most every PROGRESS_INTERVAL_MS while reading a regular file, and once at the end (never for a pipe: it has no total). */
  onProgress?(bytesRead: number, totalBytes: number): void;
  /** Read chunk size in bytes (tests use small values to exercise chunk boundaries). */
  chunkBytes?: number;
  /**
   * Asked after each chunk's packets were delivered: return a promise to pause reading until it
   * resolves (e.g. until stdout drains), so a slow consumer keeps memory flat.
   */
  backpressure?(): Promise<void> | undefined;
  /** Told what the input is once it is open and its first bytes are a capture, before any packet. */
  onOpen?(info: InputInfo): void;
  /** Stops reading a pipe (Ctrl-C): what was read is delivered and the capture ends there, as at its end. */
  signal?: AbortSignal;
}

function describeFsError(name: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `${name}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${name}: permission denied`;
  if (code === 'EBADF') return `${name}: not open (no such file descriptor)`;
  return `${name}: cannot read (${(e as Error | null)?.message ?? String(e)})`;
}

/** The descriptor a path names directly: `-` and /dev/stdin are 0, /dev/fd/N and /proc/self/fd/N are N. */
function descriptorOf(path: string): number | undefined {
  if (path === STDIN || path === '/dev/stdin') return 0;
  const m = /^\/(?:dev|proc\/self)\/fd\/(\d{1,9})$/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** A regular file, open, with its size. */
interface FileInput {
  kind: 'file';
  fh: FileHandle;
  size: number;
}
/** A pipe or the like, as a stream of chunks. */
interface StreamInput {
  kind: 'stream';
  stream: Readable;
}

/** A stream that reads descriptor `fd` without blocking a thread: stdin as Node sets it up, or a pipe/socket wrapped the same way. */
function descriptorStream(fd: number, st: Stats): Readable {
  if (fd === 0) return process.stdin;
  if (st.isFIFO() || st.isSocket()) return new net.Socket({ fd, readable: true, writable: false });
  return createReadStream('', { fd, autoClose: true });
}

/** Opens the input: a regular file by path, or a stream for anything that has no size. */
async function openInput(path: string, name: string): Promise<FileInput | StreamInput> {
  const fd = descriptorOf(path);
  let st: Stats;
  try {
    // A descriptor is looked at as it is: re-opening /dev/stdin fails when stdin is a socket
    // (ENXIO), and re-opening a pipe is only a detour to the same pipe.
    st = fd !== undefined ? fstatSync(fd) : await stat(path);
  } catch (e) {
    throw new CaptureError(describeFsError(name, e));
  }
  if (st.isDirectory()) throw new CaptureError(`${name}: is a directory, not a capture file`);
  if (st.isFile()) {
    if (st.size === 0) throw new CaptureError(`${name}: empty file`);
    // `tlspeek replay - < x.pcap`: a file behind a descriptor is read as the file it is (its
    // size known, connections in number order), through a path that opens it anew.
    const where = fd === undefined ? path : path === STDIN ? '/dev/stdin' : path;
    try {
      return { kind: 'file', fh: await open(where, 'r'), size: st.size };
    } catch (e) {
      if (fd === undefined) throw new CaptureError(describeFsError(name, e));
      // No /dev/stdin to open (a bare container): read the descriptor as a stream instead.
      return { kind: 'stream', stream: descriptorStream(fd, st) };
    }
  }
  if (st.isCharacterDevice() && (fd !== undefined ? isatty(fd) : false)) {
    throw new CaptureError(`${name}: is a terminal; pipe a capture into it, e.g. tcpdump -U -w - | tlspeek replay -`);
  }
  if (fd !== undefined) return { kind: 'stream', stream: descriptorStream(fd, st) };
  if (st.isSocket()) throw new CaptureError(`${name}: is a socket; read it with e.g. socat UNIX-CONNECT:${path} - | tlspeek replay -`);
  // A FIFO (or a device): opening it waits for a writer, as cat does; then it is read without
  // blocking a thread. The callback form, for a bare descriptor that the stream then owns.
  let opened: number;
  try {
    opened = await new Promise<number>((resolve, reject) => openFd(path, 'r', (e, n) => (e ? reject(e) : resolve(n))));
  } catch (e) {
    throw new CaptureError(describeFsError(name, e));
  }
  if (isatty(opened)) {
    closeFd(opened, () => {});
    throw new CaptureError(`${name}: is a terminal, not a capture`);
  }
  return { kind: 'stream', stream: descriptorStream(opened, fstatSync(opened)) };
}

/** First bytes of a stream, for the magic: chunks until there are 4 bytes, or the end. */
async function readHead(it: AsyncIterator<Buffer>, name: string): Promise<{ parts: Buffer[]; length: number; ended: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < 4) {
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (e) {
      throw new CaptureError(`${name}: read error: ${(e as Error).message}`);
    }
    if (r.done) return { parts, length, ended: true };
    parts.push(r.value);
    length += r.value.length;
  }
  return { parts, length, ended: false };
}

/**
 * Reads a pcap / pcap-ns / pcapng capture (a file, or a pipe such as `-`) and calls sink.packet()
 * synchronously for every packet. Rejects with CaptureError only when the input as a whole cannot
 * be read (missing, a directory, empty, unknown magic, unreadable header); a truncated or corrupt
 * tail is a sink.warning() and the packets before it have been delivered. An exception thrown by
 * the sink rejects as is.
 */
export async function readCapture(path: string, sink: PacketSink, opts: ReadCaptureOptions = {}): Promise<CaptureSummary> {
  const name = inputName(path);
  const input = await openInput(path, name);

  let warnings = 0;
  const linkTypes: number[] = [];
  const countingSink: PacketSink = {
    packet: (p) => sink.packet(p),
    warning: (m) => {
      warnings++;
      sink.warning(m);
    },
    ...(sink.secrets ? { secrets: (text: string, source: string) => sink.secrets!(text, source) } : {}),
  };
  let lastProgress = 0;
  const onProgress = input.kind === 'file' ? opts.onProgress : undefined;
  const size = input.kind === 'file' ? input.size : Infinity;
  const ctx: FormatContext = {
    path: name,
    fileSize: size,
    highWaterMark: opts.chunkBytes ?? CAPTURE_CHUNK_BYTES,
    sink: countingSink,
    read: () => Promise.resolve(0),
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

  let format: ReturnType<typeof sniff>['format'];
  if (input.kind === 'file') {
    const { fh } = input;
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    try {
      const head = new Uint8Array(4);
      let got: number;
      try {
        // At position 0, which leaves the read position (used by the chunk reads) at the start.
        got = (await fh.read(head, 0, 4, 0)).bytesRead;
      } catch (e) {
        throw new CaptureError(describeFsError(name, e));
      }
      format = sniff(head.subarray(0, got), name).format;
    } catch (e) {
      await close();
      throw e;
    }
    ctx.read = (chunk) => {
      closed = true; // readChunks closes it
      return readChunks(ctx, fh, chunk);
    };
    opts.onOpen?.({ stream: false, size });
    try {
      return await readFormat(format, ctx, linkTypes, () => warnings, onProgress, size);
    } finally {
      await close();
    }
  }

  const { stream } = input;
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const stop = (): void => {
    stream.destroy();
  };
  const signal = opts.signal;
  let aborted = signal?.aborted ?? false;
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let head: Awaited<ReturnType<typeof readHead>>;
    try {
      head = await readHead(it, name);
    } catch (e) {
      if (!aborted) throw e;
      head = { parts: [], length: 0, ended: true };
    }
    if (head.length === 0) {
      throw new CaptureError(aborted ? `${name}: stopped before any byte arrived` : `${name}: empty (nothing was written to it before it was closed)`);
    }
    const first = head.parts.length === 1 ? head.parts[0]! : Buffer.concat(head.parts, head.length);
    format = sniff(first, name).format;
    ctx.read = (chunk) => readStream(ctx, it, first, head.ended, () => aborted, chunk);
    opts.onOpen?.({ stream: true });
    return await readFormat(format, ctx, linkTypes, () => warnings, undefined, size);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Done with it, whether at its end or not: a writer still at it gets EPIPE, as with `head`.
    stop();
  }
}

async function readFormat(
  format: ReturnType<typeof sniff>['format'],
  ctx: FormatContext,
  linkTypes: number[],
  warnings: () => number,
  onProgress: ((read: number, total: number) => void) | undefined,
  size: number,
): Promise<CaptureSummary> {
  const result = format === 'pcapng' ? await readPcapng(ctx) : await readPcap(ctx, format === 'pcap-ns');
  onProgress?.(result.bytes, size);
  return { format, packets: result.packets, bytes: result.bytes, linkTypes, warnings: warnings() };
}

/**
 * The read loop for a stream: `first` (the bytes read to find the format), then every chunk as
 * the stream delivers it, each handed over as soon as it arrives, so a capture still being
 * written (tcpdump -U -w -) is decoded as it grows. Between chunks it waits for
 * ctx.backpressure(); the stream is not read meanwhile, so the writer is held back by the pipe.
 */
async function readStream(
  ctx: FormatContext,
  it: AsyncIterator<Buffer>,
  first: Buffer,
  ended: boolean,
  aborted: () => boolean,
  chunk: (bytes: Buffer) => boolean,
): Promise<number> {
  let bytesRead = first.length;
  ctx.onBytes(bytesRead);
  if (!chunk(first) || ended) return bytesRead;
  for (;;) {
    const wait = ctx.backpressure();
    if (wait) await wait;
    if (aborted()) break;
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (e) {
      // Destroyed by the abort: that is the end of the input, not a read error.
      if (aborted()) break;
      throw new CaptureError(`${ctx.path}: read error: ${(e as Error).message}`);
    }
    if (r.done) break;
    bytesRead += r.value.length;
    ctx.onBytes(bytesRead);
    if (!chunk(r.value)) break;
  }
  return bytesRead;
}
