// Hex digests of fingerprint strings. A capture repeats the same few client and server hellos
// thousands of times, so digests are remembered (bounded) by their input string.
import { createHash } from 'node:crypto';
import { FifoMap } from '../util/fifo-map.js';

const MAX_REMEMBERED = 4096;
const remembered = new FifoMap<string, string>(MAX_REMEMBERED);

export function digestHex(algorithm: 'md5' | 'sha256', input: string): string {
  const key = `${algorithm}:${input}`;
  let hex = remembered.get(key);
  if (hex === undefined) {
    hex = createHash(algorithm).update(input).digest('hex');
    remembered.set(key, hex);
  }
  return hex;
}
