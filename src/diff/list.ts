// Lists compared as lists: what another input added, removed or moved relative to the
// reference. "Moved" means the relative order changed, not that an index shifted because
// something before it was removed: the items kept in place are a longest common subsequence
// of the two lists, and only the common items outside it count as moved.

export interface ListItem {
  /** Unique within its list (see uniqueKeys). */
  key: string;
  /** For unordered lists: what is shown (and compared) instead of the position, e.g. a severity. */
  value?: string;
}

export interface ListChange {
  /** Positions are 1-based. */
  added: { item: string; at: number }[];
  removed: { item: string; from: number }[];
  moved: { item: string; from: number; to: number }[];
  /** Unordered lists only: the item is in both, with a different value. */
  changed: { item: string; from: string; to: string }[];
}

export function emptyChange(): ListChange {
  return { added: [], removed: [], moved: [], changed: [] };
}

export function isEmptyChange(c: ListChange): boolean {
  return c.added.length + c.removed.length + c.moved.length + c.changed.length === 0;
}

/**
 * Keys for a list that may repeat a name (two GREASE extensions, the same CA twice):
 * the second occurrence becomes "NAME (2)", the third "NAME (3)", so the lists still compare.
 */
export function uniqueKeys(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} (${k})`;
  });
}

/**
 * Indices (into `seq`) of one longest strictly increasing subsequence, O(n log n) (patience
 * sorting). Among equally long ones it keeps the run with the smallest values, so the result
 * depends only on the input.
 */
export function longestIncreasing(seq: readonly number[]): number[] {
  const tails: number[] = []; // tails[k] = index in seq of the smallest tail of a run of length k+1
  const prev: number[] = new Array<number>(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    const v = seq[i]!;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const out: number[] = [];
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) out.push(i);
  return out.reverse();
}

/**
 * How `other` differs from `ref`. A missing list (null: the message or extension was absent)
 * compares like an empty one: everything in the other list is added or removed.
 */
export function compareLists(ref: readonly ListItem[] | null, other: readonly ListItem[] | null, ordered: boolean): ListChange {
  const a = ref ?? [];
  const b = other ?? [];
  const change = emptyChange();
  const inA = new Map(a.map((it, i) => [it.key, i]));
  const inB = new Map(b.map((it, i) => [it.key, i]));
  a.forEach((it, i) => {
    if (!inB.has(it.key)) change.removed.push({ item: it.key, from: i + 1 });
  });
  b.forEach((it, j) => {
    if (!inA.has(it.key)) change.added.push({ item: it.key, at: j + 1 });
  });
  if (ordered) {
    // Common items in the reference's order, with their positions in the other list.
    const common = a.filter((it) => inB.has(it.key));
    const positions = common.map((it) => inB.get(it.key)!);
    const kept = new Set(longestIncreasing(positions));
    common.forEach((it, k) => {
      if (!kept.has(k)) change.moved.push({ item: it.key, from: inA.get(it.key)! + 1, to: positions[k]! + 1 });
    });
  } else {
    for (const it of a) {
      const j = inB.get(it.key);
      if (j === undefined) continue;
      const from = it.value ?? '';
      const to = b[j]!.value ?? '';
      if (from !== to) change.changed.push({ item: it.key, from, to });
    }
  }
  return change;
}

/** "14 removed", "1 added, 2 moved", "" when nothing changed. */
export function describeChange(c: ListChange): string {
  const parts: string[] = [];
  if (c.added.length) parts.push(`${c.added.length} added`);
  if (c.removed.length) parts.push(`${c.removed.length} removed`);
  if (c.moved.length) parts.push(`${c.moved.length} moved`);
  if (c.changed.length) parts.push(`${c.changed.length} changed`);
  return parts.join(', ');
}
