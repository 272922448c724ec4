// Reading a key-log file whole (`--keylog FILE` in replay): in pieces of MAX_KEYLOG_READ bytes,
// so a file of any size takes flat memory; its lines go into a KeyLog.
import { open } from 'node:fs/promises';
import { MAX_KEYLOG_READ } from '../limits.js';
import type { KeyLog } from './parse.js';

/** The key-log file as a whole cannot be read (missing, a directory, unreadable). */
export class KeyLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyLogError';
  }
}

export function describeKeyLogError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  if (code === 'EISDIR') return `${path}: is a directory, not a key log`;
  return `${path}: cannot read (${(e as Error | null)?.message ?? String(e)})`;
}

export interface KeyLogReadResult {
  lines: number;
  entries: number;
  problems: number;
}

/**
 * Reads key-log file `path` into `keyLog`; problem lines go to `onWarning` ("path:line: …").
 * Rejects only with KeyLogError, when the file cannot be read at all.
 */
export async function readKeyLogFile(path: string, keyLog: KeyLog, onWarning: (message: string) => void): Promise<KeyLogReadResult> {
  let fh;
  try {
    fh = await open(path, 'r');
    if ((await fh.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    await fh?.close().catch(() => {});
    throw new KeyLogError(describeKeyLogError(path, e));
  }
  const parser = keyLog.parser(path, onWarning);
  const buf = Buffer.allocUnsafe(MAX_KEYLOG_READ);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      parser.push(buf.toString('latin1', 0, bytesRead));
    }
  } catch (e) {
    throw new KeyLogError(describeKeyLogError(path, e));
  } finally {
    await fh.close().catch(() => {});
  }
  parser.end();
  return { lines: parser.lines, entries: parser.entries, problems: parser.problems };
}
