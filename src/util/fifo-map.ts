// A Map that can find and drop its oldest entry cheaply. `map.delete(map.keys().next().value)` is
// what it replaces: V8 skips every deleted slot at the front of a Map's table on each such call,
// so at 10,000 entries and one drop per insert it took ~7 µs a call (77 ms on the bench capture's
// tombstones, ~1.7 s on a 1 GiB one). Oldest means what Map iteration order means: first
// inserted, and a key deleted and set again counts from its new insertion.

interface Slot<V> {
  value: V;
  /** When the key was inserted (kept when its value is replaced, as Map keeps the position). */
  order: number;
}

export class FifoMap<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  /** Keys in insertion order with their `order`; entries whose key was since deleted or re-inserted are skipped. */
  private keys: K[] = [];
  private orders: number[] = [];
  private head = 0;
  private nextOrder = 0;

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    const slot = this.map.get(key);
    if (slot !== undefined) {
      slot.value = value;
      return;
    }
    const order = this.nextOrder++;
    this.map.set(key, { value, order });
    this.keys.push(key);
    this.orders.push(order);
    // Deleted keys leave stale queue entries behind: rebuild once they outnumber the live ones.
    if (this.keys.length - this.head > 2 * this.map.size + 1024) this.rebuild();
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** The oldest key, or undefined when empty. */
  oldestKey(): K | undefined {
    while (this.head < this.keys.length) {
      const key = this.keys[this.head]!;
      if (this.map.get(key)?.order === this.orders[this.head]) return key;
      this.head++;
    }
    return undefined;
  }

  /** Removes the oldest entry (if any). */
  deleteOldest(): void {
    const key = this.oldestKey();
    if (key === undefined) return;
    this.map.delete(key);
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.keys.length) this.rebuild();
  }

  clear(): void {
    this.map.clear();
    this.keys = [];
    this.orders = [];
    this.head = 0;
  }

  private rebuild(): void {
    this.keys = [];
    this.orders = [];
    this.head = 0;
    for (const [key, slot] of this.map) {
      this.keys.push(key);
      this.orders.push(slot.order);
    }
  }
}
