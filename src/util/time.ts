/** ISO 8601 UTC with microseconds, from a capture timestamp (seconds + nanoseconds). */
export function isoTime(sec: number, nsec: number): string {
  const base = new Date(sec * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const micros = Math.floor(nsec / 1000).toString().padStart(6, '0');
  return `${base.slice(0, 19)}.${micros}Z`;
}

export function nowTime(): { sec: number; nsec: number } {
  const ms = Date.now();
  return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
}
