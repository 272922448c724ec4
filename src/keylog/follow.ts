// Following a key-log file that grows while it is read: a browser started with SSLKEYLOGFILE
// appends the secrets of each connection as it makes it, so the proxy reads the new lines as they
// come. Polling (fs.watch misses appends on network and overlay filesystems and coalesces events;
// a stat every interval costs nothing and always works):
//   - only the bytes after what was read are read, in pieces of at most MAX_KEYLOG_READ;
//   - a last line without its line end waits for the rest (every writer we know — NSS, OpenSSL,
//     BoringSSL, Go, rustls — ends each line with LF, so a line is used once it is whole);
//   - a file that shrank was truncated: it is read again from its start;
//   - a file replaced by another (rotation: a new inode) is read from the new file's start;
//   - a missing file is waited for (said once), and so is a file that cannot be read.
// poll() reads what is new right away (the proxy calls it when a connection's secrets are not
// there yet); stop() ends the polling and waits for a read under way. The timer is unref'd: a
// follower never keeps the process alive by itself.
import { open, stat } from 'node:fs/promises';
import { MAX_KEYLOG_READ } from '../limits.js';
import type { KeyLog, KeyLogParser } from './parse.js';
import { describeKeyLogError } from './read.js';

export interface FollowOptions {
  /** Poll interval in milliseconds (default 250). */
  readonly intervalMs?: number;
  readonly onWarning?: (message: string) => void;
  /** Aborting it stops the follower, as stop() does. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_FOLLOW_INTERVAL_MS = 250;

export class KeyLogFollower {
  private parser: KeyLogParser;
  private offset = 0;
  private ino = -1;
  private dev = -1;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The last problem reported about the file itself (missing, unreadable), so that it is said once until it changes. */
  private lastTrouble = '';
  private readonly onWarning: (message: string) => void;
  private readonly intervalMs: number;
  private readonly onAbort = (): void => void this.stop();
  private readonly signal: AbortSignal | undefined;
  /** Completed polls (for tests and diagnostics). */
  polls = 0;

  constructor(
    readonly path: string,
    private readonly keyLog: KeyLog,
    options: FollowOptions = {},
  ) {
    this.onWarning = options.onWarning ?? (() => {});
    this.intervalMs = Math.max(10, options.intervalMs ?? DEFAULT_FOLLOW_INTERVAL_MS);
    this.parser = keyLog.parser(path, this.onWarning);
    if (options.signal) {
      if (options.signal.aborted) this.stopped = true;
      else options.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    this.signal = options.signal;
  }

  /** Bytes of the current file read so far. */
  get position(): number {
    return this.offset;
  }

  /** Reads what is there now, then keeps polling until stop(). */
  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll().then(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Reads what is new now; concurrent calls share one read. */
  poll(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.running) {
      this.running = this.readNew().finally(() => {
        this.running = undefined;
        this.polls++;
      });
    }
    return this.running;
  }

  /** Stops polling; resolves once a read under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    await this.running;
  }

  private trouble(message: string): void {
    if (message === this.lastTrouble) return;
    this.lastTrouble = message;
    this.onWarning(message);
  }

  private async readNew(): Promise<void> {
    let st;
    try {
      st = await stat(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.trouble(code === 'ENOENT' ? `${this.path}: no such file yet; waiting for it` : describeKeyLogError(this.path, e));
      return;
    }
    if (!st.isFile()) {
      this.trouble(`${this.path}: not a regular file; waiting`);
      return;
    }
    this.lastTrouble = '';
    if (st.ino !== this.ino || st.dev !== this.dev) {
      // A new file under the name (the first one, or a rotation): from its start.
      if (this.ino !== -1) this.onWarning(`${this.path}: replaced by a new file; reading it from the start`);
      this.restart();
      this.ino = st.ino;
      this.dev = st.dev;
    } else if (st.size < this.offset) {
      this.onWarning(`${this.path}: truncated (${st.size} bytes, ${this.offset} read); reading it again from the start`);
      this.restart();
    }
    if (st.size === this.offset) return;
    let fh;
    try {
      fh = await open(this.path, 'r');
      const buf = Buffer.allocUnsafe(Math.min(MAX_KEYLOG_READ, st.size - this.offset));
      // Read up to the size seen; what is appended meanwhile waits for the next poll.
      while (this.offset < st.size && !this.stopped) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, st.size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        this.parser.push(buf.toString('latin1', 0, bytesRead));
      }
    } catch (e) {
      this.trouble(describeKeyLogError(this.path, e));
    } finally {
      await fh?.close().catch(() => {});
    }
  }

  private restart(): void {
    this.offset = 0;
    this.parser.discardPartial();
  }
}

/** Starts following `path` into `keyLog`: resolves once what the file holds now has been read. */
export async function followKeyLog(path: string, keyLog: KeyLog, options?: FollowOptions): Promise<KeyLogFollower> {
  const f = new KeyLogFollower(path, keyLog, options);
  await f.start();
  return f;
}
