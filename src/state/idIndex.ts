/**
 * A conversation's id → time index: for every confirmed message, the span of
 * time its sort key (`created_ms`, fixed once stored) falls in — a window of
 * {@link SPAN_MS}. With it, the chunk that holds a message is found by binary
 * search over the chunks (see `chunks.ts`), so edits, deletions and "is this
 * message known?" cost O(log n) in the conversation's length instead of a
 * walk over its chunks.
 *
 * Sharded into hash buckets so that a dispatch copies only the buckets it
 * touches (a live message: one bucket of about {@link BUCKET_TARGET}
 * entries, and the bucket list). Each bucket is two parallel arrays sorted by
 * id, with no per-entry objects; the span is a small integer (V8 keeps it
 * unboxed) where the exact key would be a boxed double: about 20 B per
 * message in all.
 *
 * ```
 *   buckets[hash(id) & (buckets.length - 1)] = { ids:   ['m1', 'm7', …],
 *                                                spans: [⌊k1 / SPAN_MS⌋, …] }
 * ```
 *
 * Plain frozen objects and arrays (Redux DevTools time travel works); every
 * function here is pure and returns a new index sharing untouched buckets.
 */
export interface IdBucket {
  /** Ids in code-unit order. */
  readonly ids: readonly string[];
  /** {@link spanOf} the key of each id. */
  readonly spans: readonly number[];
}

export interface IdIndex {
  /** How many ids the index holds. */
  readonly size: number;
  /** A power-of-two number of buckets. */
  readonly buckets: readonly IdBucket[];
}

/** The average bucket size beyond which the bucket count doubles. */
export const BUCKET_TARGET = 128;

/**
 * The width of a span, in ms: a span number of today's keys fits V8's small
 * integers (31 bits) until the year 2109, and a chat rarely has more than a
 * chunk of messages in two seconds (where it has, a lookup checks each chunk
 * of the span: one hash lookup each).
 */
export const SPAN_MS = 2048;

/** The span a key falls in (a small integer for any key of this century). */
export function spanOf(key: number): number {
  const span = Math.floor(key / SPAN_MS);
  // `| 0` tells V8 it is an integer, so the arrays stay arrays of small integers.
  return span === (span | 0) ? span | 0 : span;
}

const emptyBucket: IdBucket = Object.freeze({
  ids: Object.freeze([] as string[]),
  spans: Object.freeze([] as number[]),
});

const empty: IdIndex = Object.freeze({ size: 0, buckets: Object.freeze([emptyBucket]) });

export function emptyIndex(): IdIndex {
  return empty;
}

/** FNV-1a over the id's code units: the same id always lands in the same bucket. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Position of `id` in a sorted bucket, or a negative number when absent. */
function search(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = ids[mid] as string;
    if (at < id) lo = mid + 1;
    else if (at > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The span of the stored key of `id`, or `undefined` when the index does not hold it. */
export function spanOfId(index: IdIndex, id: string): number | undefined {
  const bucket = index.buckets[hashOf(id) & (index.buckets.length - 1)] as IdBucket;
  const at = search(bucket.ids, id);
  return at < 0 ? undefined : bucket.spans[at];
}

/** A frozen bucket of exactly-sized arrays (arrays built by `push` keep spare room). */
function frozenBucket(ids: string[], spans: number[]): IdBucket {
  if (ids.length === 0) return emptyBucket;
  return Object.freeze({ ids: Object.freeze(ids.slice()), spans: Object.freeze(spans.slice()) });
}

interface Entry {
  id: string;
  key: number;
}

/** Merges sorted, distinct entries into a bucket; an id it holds takes the entry's key. */
function mergeInto(
  bucket: IdBucket,
  entries: readonly Entry[],
): { bucket: IdBucket; added: number } {
  const ids: string[] = [];
  const spans: number[] = [];
  let added = 0;
  let i = 0;
  let j = 0;
  while (i < bucket.ids.length || j < entries.length) {
    const old = bucket.ids[i];
    const entry = entries[j];
    if (entry === undefined || (old !== undefined && old < entry.id)) {
      ids.push(old as string);
      spans.push(bucket.spans[i] as number);
      i++;
      continue;
    }
    ids.push(entry.id);
    spans.push(spanOf(entry.key));
    if (old === entry.id) i++;
    else added++;
    j++;
  }
  return { bucket: frozenBucket(ids, spans), added };
}

/** Entries grouped by bucket, each group sorted by id, the last entry of an id winning. */
function groupByBucket(entries: Iterable<Entry>, mask: number): Map<number, Entry[]> {
  const groups = new Map<number, Map<string, Entry>>();
  for (const entry of entries) {
    const b = hashOf(entry.id) & mask;
    let group = groups.get(b);
    if (!group) groups.set(b, (group = new Map()));
    group.set(entry.id, entry);
  }
  const sorted = new Map<number, Entry[]>();
  for (const [b, group] of groups)
    sorted.set(
      b,
      [...group.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    );
  return sorted;
}

/** Doubles the bucket count until the average bucket holds at most {@link BUCKET_TARGET}. */
function grown(buckets: IdBucket[], size: number): IdBucket[] {
  let list = buckets;
  while (size > list.length * BUCKET_TARGET) {
    const count = list.length;
    const next: IdBucket[] = new Array<IdBucket>(count * 2);
    for (let b = 0; b < count; b++) {
      const bucket = list[b] as IdBucket;
      // Bucket b splits into b and b + count by the next bit of the hash; each half stays sorted.
      const parts = [
        { ids: [] as string[], spans: [] as number[] },
        { ids: [] as string[], spans: [] as number[] },
      ];
      for (let i = 0; i < bucket.ids.length; i++) {
        const id = bucket.ids[i] as string;
        const part = parts[(hashOf(id) & count) === 0 ? 0 : 1] as (typeof parts)[0];
        part.ids.push(id);
        part.spans.push(bucket.spans[i] as number);
      }
      const [first, second] = parts as [(typeof parts)[0], (typeof parts)[0]];
      next[b] = frozenBucket(first.ids, first.spans);
      next[b + count] = frozenBucket(second.ids, second.spans);
    }
    list = next;
  }
  return list;
}

/** The index with these ids at these keys' spans (added, or their span replaced). */
export function withKeys(index: IdIndex, entries: Iterable<Entry>): IdIndex {
  const groups = groupByBucket(entries, index.buckets.length - 1);
  if (groups.size === 0) return index;
  const buckets = index.buckets.slice();
  let size = index.size;
  for (const [b, group] of groups) {
    const merged = mergeInto(buckets[b] as IdBucket, group);
    buckets[b] = merged.bucket;
    size += merged.added;
  }
  return Object.freeze({ size, buckets: Object.freeze(grown(buckets, size)) });
}

/** The index without these ids (ids it does not hold are ignored). */
export function withoutIds(index: IdIndex, ids: Iterable<string>): IdIndex {
  const mask = index.buckets.length - 1;
  const groups = new Map<number, Set<string>>();
  for (const id of ids) {
    const b = hashOf(id) & mask;
    let group = groups.get(b);
    if (!group) groups.set(b, (group = new Set()));
    group.add(id);
  }
  let buckets: IdBucket[] | null = null;
  let size = index.size;
  for (const [b, gone] of groups) {
    const bucket = index.buckets[b] as IdBucket;
    let present = false;
    for (const id of gone) if ((present = search(bucket.ids, id) >= 0)) break;
    if (!present) continue;
    const ids: string[] = [];
    const spans: number[] = [];
    for (let i = 0; i < bucket.ids.length; i++) {
      const id = bucket.ids[i] as string;
      if (gone.has(id)) continue;
      ids.push(id);
      spans.push(bucket.spans[i] as number);
    }
    buckets ??= index.buckets.slice();
    buckets[b] = frozenBucket(ids, spans);
    size -= bucket.ids.length - ids.length;
  }
  if (!buckets) return index;
  return Object.freeze({ size, buckets: Object.freeze(buckets) });
}

/** Every id the index holds with its span (for tests and diagnostics). */
export function entriesOf(index: IdIndex): Map<string, number> {
  const all = new Map<string, number>();
  for (const bucket of index.buckets)
    for (let i = 0; i < bucket.ids.length; i++)
      all.set(bucket.ids[i] as string, bucket.spans[i] as number);
  return all;
}
