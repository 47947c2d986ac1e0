/**
 * A Map and a Set that report each change (a `set` or `add`, a `delete` that
 * removed something, a `clear` of a non-empty one). The sync runner keeps
 * its state in them, so that it can tell when none of it changed.
 */
export class CountedMap<Key, Value> extends Map<Key, Value> {
  private readonly changed: () => void;

  constructor(changed: () => void) {
    super();
    this.changed = changed;
  }

  override set(key: Key, value: Value): this {
    this.changed();
    return super.set(key, value);
  }

  override delete(key: Key): boolean {
    const removed = super.delete(key);
    if (removed) this.changed();
    return removed;
  }

  override clear(): void {
    if (this.size > 0) this.changed();
    super.clear();
  }
}

export class CountedSet<Value> extends Set<Value> {
  private readonly changed: () => void;

  constructor(changed: () => void) {
    super();
    this.changed = changed;
  }

  override add(value: Value): this {
    this.changed();
    return super.add(value);
  }

  override delete(value: Value): boolean {
    const removed = super.delete(value);
    if (removed) this.changed();
    return removed;
  }

  override clear(): void {
    if (this.size > 0) this.changed();
    super.clear();
  }
}
