/** ISO 8601 UTC with microseconds, from a capture timestamp (seconds + nanoseconds). */
let cachedSec = NaN;
let cachedPrefix = '';

export function isoTime(sec: number, nsec: number): string {
  // Packets come in bursts within the same second: format the date part once per second.
  if (sec !== cachedSec) {
    cachedSec = sec;
    cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19); // 2024-01-02T03:04:05
  }
  const micros = Math.floor(nsec / 1000).toString().padStart(6, '0');
  return `${cachedPrefix}.${micros}Z`;
}

export function nowTime(): { sec: number; nsec: number } {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
}
