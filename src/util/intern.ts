// One copy of a string that a capture repeats on every connection (message summaries, SNI):
// connections live across several young-generation collections, and what they hold is copied
// at each one and then into the old generation. A shared copy is already there.

import { FifoMap } from './fifo-map.js';

/** Most distinct strings kept; the oldest is dropped when full (hostile input cannot grow it). */
const MAX_INTERNED = 4096;
const seen = new FifoMap<string, string>(MAX_INTERNED);

export function intern(s: string): string {
  const known = seen.get(s);
  if (known !== undefined) return known;
  seen.set(s, s);
  return s;
}
