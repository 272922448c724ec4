// Arrival times for proxied bytes: wall-clock milliseconds with sub-millisecond precision
// (performance.timeOrigin + performance.now() is monotonic within the run).
import { performance } from 'node:perf_hooks';

/** Milliseconds since the Unix epoch, fractional. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Seconds and nanoseconds, the form the decoder's ChunkMeta and pcap records take. */
export function splitMs(ms: number): { sec: number; nsec: number } {
  const sec = Math.floor(ms / 1000);
  const nsec = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
  return { sec, nsec };
}
