// `--keylog FILE…`: the key-log files read whole into one KeyLog (src/keylog), whose lookup the
// sessions use to open protected records. A file that cannot be read at all is an error for the
// command; problem lines are warnings ("FILE:LINE: …", bounded), the rest still used.
import { KeyLog } from '../keylog/parse.js';
import { KeyLogError, readKeyLogFile } from '../keylog/read.js';

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
