// `--keylog FILE…`: the key-log files read whole into one KeyLog (src/keylog), whose lookup the
// sessions use to open protected records. A file that cannot be read at all is an error for the
// command; problem lines are warnings ("FILE:LINE: …", bounded), the rest still used.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { KeyLog } from '../keylog/parse.js';
import { KeyLogError, describeKeyLogError, readKeyLogFile } from '../keylog/read.js';
import { MAX_KEYLOG_READ } from '../limits.js';
import type { SecretsLookup } from '../tls/session.js';

export { KeyLogError } from '../keylog/read.js';

/** Reads every file into one KeyLog; rejects with KeyLogError (one line) when a file cannot be read. */
export async function loadKeyLogs(paths: readonly string[], onWarning: (message: string) => void): Promise<KeyLog> {
  const keyLog = new KeyLog(undefined, onWarning);
  for (const path of paths) {
    const r = await readKeyLogFile(path, keyLog, onWarning);
    if (r.entries === 0) onWarning(`${path}: no usable key-log line (${r.lines} line${r.lines === 1 ? '' : 's'} read)`);
  }
  return keyLog;
}

export function isKeyLogError(e: unknown): e is KeyLogError {
  return e instanceof KeyLogError;
}

/**
 * Key-log files the proxy follows while it runs (a browser appends its lines as it connects). The
 * lookup reads what was appended since, synchronously, whenever it misses: the line for a
 * connection is written while its handshake passes through the proxy, so it is mostly there by
 * the client's next record. A connection still without one is looked for again by the proxy's
 * tap on a timer, and given up after KEY_LOG_WAIT_MS (src/proxy/tap.ts). A file that shrank was
 * replaced: read from the start again. A missing file is waited for (one warning).
 */
export class FollowedKeyLogs {
  readonly keyLog: KeyLog;
  private readonly files: { path: string; offset: number; parser: ReturnType<KeyLog['parser']>; missingSaid: boolean }[];
  private readonly onWarning: (message: string) => void;

  constructor(paths: readonly string[], onWarning: (message: string) => void) {
    this.onWarning = onWarning;
    this.keyLog = new KeyLog(undefined, onWarning);
    this.files = paths.map((path) => ({ path, offset: 0, parser: this.keyLog.parser(path, onWarning), missingSaid: false }));
    this.catchUp();
  }

  readonly lookup: SecretsLookup = (clientRandom) => {
    const found = this.keyLog.lookup(clientRandom) ?? (this.catchUp(), this.keyLog.lookup(clientRandom));
    return found && { secrets: new FollowedSecrets(found.secrets, () => this.catchUp()) };
  };

  /** Reads what each file gained since the last look (at most MAX_KEYLOG_READ bytes per file and call). */
  catchUp(): void {
    for (const f of this.files) {
      let fd: number | undefined;
      try {
        const size = statSync(f.path).size;
        if (size < f.offset) {
          f.offset = 0;
          f.parser.discardPartial();
        }
        if (size === f.offset) continue;
        fd = openSync(f.path, 'r');
        const buf = Buffer.allocUnsafe(Math.min(size - f.offset, MAX_KEYLOG_READ));
        const n = readSync(fd, buf, 0, buf.length, f.offset);
        f.offset += n;
        f.parser.push(buf.toString('latin1', 0, n));
      } catch (e) {
        if (!f.missingSaid) {
          f.missingSaid = true;
          this.onWarning(`${describeKeyLogError(f.path, e)}; still looking for it`);
        }
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
  }
}

/**
 * One connection's secrets while its lines are still being written: a label not there yet is
 * looked for again in the files (a TLS 1.3 client writes its handshake secret only when it is
 * about to use it, after the proxy has already seen the server's first records).
 */
class FollowedSecrets implements ReadonlyMap<string, Uint8Array> {
  constructor(
    private readonly map: ReadonlyMap<string, Uint8Array>,
    private readonly catchUp: () => void,
  ) {}

  get(label: string): Uint8Array | undefined {
    return this.map.get(label) ?? (this.catchUp(), this.map.get(label));
  }
  has(label: string): boolean {
    return this.get(label) !== undefined;
  }
  get size(): number {
    return this.map.size;
  }
  forEach(fn: (value: Uint8Array, key: string, map: ReadonlyMap<string, Uint8Array>) => void): void {
    this.map.forEach((v, k) => fn(v, k, this));
  }
  entries(): MapIterator<[string, Uint8Array]> {
    return this.map.entries();
  }
  keys(): MapIterator<string> {
    return this.map.keys();
  }
  values(): MapIterator<Uint8Array> {
    return this.map.values();
  }
  [Symbol.iterator](): MapIterator<[string, Uint8Array]> {
    return this.map[Symbol.iterator]();
  }
}
