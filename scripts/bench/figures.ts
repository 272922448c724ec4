// What every phase of the bench shares: a tool's row in the results table, and the numbers
// derived from it (handshakes per second, times scaled from a prefix to the whole file).
import type { Timing } from './measure.js';

export interface Row {
  tool: string;
  command: string;
  t: Timing;
  /** ClientHellos the figures stand for (the whole file, or a prefix). */
  hellos: number;
  note?: string;
  /** Timed runs; the row shows the one with the shortest wall time. */
  runs: number;
  /** Figures measured on a prefix and scaled to the whole file. */
  scaled?: { prefixHellos: number; prefixPackets: number };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function hsPerSec(r: Row): number {
  return r.hellos / r.t.wall;
}

/** Wall and CPU scaled to the whole file when the row was measured on a prefix. */
export function scaledTimes(r: Row, total: number): { wall: number; cpu: number } {
  if (!r.scaled) return { wall: r.t.wall, cpu: r.t.cpu };
  const k = total / r.scaled.prefixHellos;
  return { wall: r.t.wall * k, cpu: r.t.cpu * k };
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
