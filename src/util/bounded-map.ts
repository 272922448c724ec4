// The bound every memo of ours needs: hostile input with ever new keys must not grow it without
// limit, and a capture's working set (a few client and server configurations) fits many times.

/** A Map that starts over (clears) when a new key would take it past `max` entries. */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (this.size >= this.max && !this.has(key)) this.clear();
    return super.set(key, value);
  }
}
