// The one bounded map of tlspeek: every memo and cache (decoded certificates, fingerprints,
// interned strings and lists, encoded JSON keys, closed-flow tombstones) is a FifoMap.
//
// The bound: hostile input with ever new keys must not grow a memo without limit, while a
// capture's working set (a few client and server configurations, a few chains) fits many times.
// When a new key would take the map past `max` entries, the oldest entry goes first. Oldest
// means what Map iteration order means: first inserted; replacing a key's value keeps its place,
// and a key deleted and set again counts from its new insertion (which is how a caller that wants
// least-recently-used order renews an entry it just hit).
//
// The sharing rule, for every memo of ours: what a memo hands out is shared by every caller that
// asks for the same key, so it must be immutable. Primitives (strings, numbers) are; objects and
// arrays are frozen (deep-frozen when they nest) before they are stored, and stay frozen, so
// one connection cannot change what another sees. A value that is not frozen does not leave the
// module that owns the memo: the JSON encoder's cached Buffers (which cannot be frozen) are only
// copied out of, and the fingerprint memos' records only have their strings read. A memo filed
// under a hash, not the value itself, confirms each hit against the value (a collision is a miss,
// never a wrong answer).
//
// Why not a plain Map with `map.delete(map.keys().next().value)`: V8 skips every deleted slot at
// the front of a Map's table on each such call, so at 10,000 entries and one drop per insert it
// took ~7 µs a call (77 ms on the bench capture's tombstones, ~1.7 s on a 1 GiB one). Here the
// insertion order is kept in a queue of keys beside the Map, and the Map holds the values
// themselves: a hit is one native Map lookup.

export class FifoMap<K, V> {
  private readonly values = new Map<K, V>();
  /** Keys in insertion order from `head` on; entries of keys since deleted are stale (see `stale`). */
  private queue: K[] = [];
  private head = 0;
  /**
   * How many stale queue entries each key has: one per delete() of a key that was present. Only
   * delete() adds here, so a memo that never deletes never looks at it.
   */
  private readonly stale = new Map<K, number>();

  /** @param max most entries kept (at least 1) */
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`FifoMap: max must be at least 1, got ${max}`);
  }

  get size(): number {
    return this.values.size;
  }

  has(key: K): boolean {
    return this.values.has(key);
  }

  get(key: K): V | undefined {
    return this.values.get(key);
  }

  /** Sets a value; a new key at the bound first drops the oldest entry. */
  set(key: K, value: V): this {
    const size = this.values.size;
    this.values.set(key, value);
    if (this.values.size === size) return this; // a key it had: replaced in place
    this.queue.push(key);
    // The oldest entry is never the one just set: size >= max >= 1 means older entries exist.
    if (size >= this.max) this.deleteOldest();
    return this;
  }

  delete(key: K): boolean {
    if (!this.values.delete(key)) return false;
    this.stale.set(key, (this.stale.get(key) ?? 0) + 1);
    if (this.queue.length - this.head > 2 * this.values.size + 1024) this.rebuild();
    return true;
  }

  /** The values, oldest first. */
  allValues(): IterableIterator<V> {
    return this.values.values();
  }

  /** The oldest key, or undefined when empty. */
  oldestKey(): K | undefined {
    this.skipStale();
    return this.head < this.queue.length ? this.queue[this.head] : undefined;
  }

  /** Removes the oldest entry (if any). */
  deleteOldest(): void {
    this.skipStale();
    if (this.head >= this.queue.length) return;
    this.values.delete(this.queue[this.head++]!);
    this.compact();
  }

  clear(): void {
    this.values.clear();
    this.stale.clear();
    this.queue = [];
    this.head = 0;
  }

  private skipStale(): void {
    if (this.stale.size === 0) return;
    while (this.head < this.queue.length) {
      const key = this.queue[this.head]!;
      const n = this.stale.get(key);
      if (n === undefined) return;
      if (n === 1) this.stale.delete(key);
      else this.stale.set(key, n - 1);
      this.head++;
    }
  }

  /** Drops the consumed front of the queue once it is most of it. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Rebuilds the queue from the Map (which iterates in insertion order): no stale entries left. */
  private rebuild(): void {
    this.queue = [...this.values.keys()];
    this.head = 0;
    this.stale.clear();
  }
}
