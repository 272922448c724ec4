// Counting connections by outcome, for the replay closing line and the proxy summary: the same
// order and words in both.
import type { Connection, Outcome } from '../tls/model.js';

export type OutcomeCounts = Map<Outcome, { count: number; inferred: number }>;

/** The order outcomes are listed in. */
const ORDER: readonly Outcome[] = ['complete', 'failed', 'aborted', 'incomplete', 'unknown'];

export function countOutcome(counts: OutcomeCounts, c: Pick<Connection, 'outcome' | 'outcomeBasis'>): void {
  const e = counts.get(c.outcome) ?? { count: 0, inferred: 0 };
  e.count++;
  if (c.outcomeBasis === 'inferred') e.inferred++;
  counts.set(c.outcome, e);
}

/** The outcomes to list: complete and failed always, the others when some connection had them. */
function listed(counts: OutcomeCounts): [Outcome, { count: number; inferred: number }][] {
  const out: [Outcome, { count: number; inferred: number }][] = [];
  for (const o of ORDER) {
    const e = counts.get(o);
    if (e || o === 'complete' || o === 'failed') out.push([o, e ?? { count: 0, inferred: 0 }]);
  }
  return out;
}

const inferredText = (e: { inferred: number }): string => (e.inferred ? ` (${e.inferred} inferred)` : '');

/** Table rows: "handshakes failed" → "2 (1 inferred)". */
export function outcomeRows(counts: OutcomeCounts): [string, string][] {
  return listed(counts).map(([o, e]) => [`handshakes ${o}`, `${e.count}${inferredText(e)}`]);
}

/** "2 complete, 1 failed, 1 aborted; 2 inferred from record sizes": for one line of text. */
export function outcomeLine(counts: OutcomeCounts): string {
  const list = listed(counts);
  const inferred = list.reduce((n, [, e]) => n + e.inferred, 0);
  return list.map(([o, e]) => `${e.count} ${o}`).join(', ') + (inferred ? `; ${inferred} inferred from record sizes` : '');
}
