/** ISO 8601 UTC with microseconds, from a capture timestamp (seconds + nanoseconds). */
// The date parts of the last two seconds formatted: a connection's start and end times are
// asked for together, often in different seconds, and one entry would be replaced each time.
let cachedSec = NaN;
let cachedPrefix = '';
let olderSec = NaN;
let olderPrefix = '';

/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range with a four-digit year (RFC 3339 §5.6). */
const MIN_SEC = -62167219200;
const MAX_SEC = 253402300799;

export function isoTime(sec: number, nsec: number): string {
  // A capture's timestamp is whatever the file says (pcapng's are 64-bit): outside what a Date can
  // hold, toISOString() throws; beyond year 9999 it is not RFC 3339. Clamp instead.
  if (!(sec >= MIN_SEC)) sec = MIN_SEC;
  else if (sec > MAX_SEC) sec = MAX_SEC;
  // Packets come in bursts within the same second: format the date part once per second.
  if (sec !== cachedSec) {
    const prefix = sec === olderSec ? olderPrefix : new Date(sec * 1000).toISOString().slice(0, 19); // 2024-01-02T03:04:05
    olderSec = cachedSec;
    olderPrefix = cachedPrefix;
    cachedSec = sec;
    cachedPrefix = prefix;
  }
  const micros = Math.floor(nsec / 1000).toString().padStart(6, '0');
  return `${cachedPrefix}.${micros}Z`;
}

export function nowTime(): { sec: number; nsec: number } {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
}
