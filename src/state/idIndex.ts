/**
 * A conversation's id → time index: for every confirmed message, the span of
 * time its sort key (`created_ms`, fixed once stored) falls in — a window of
 * {@link SPAN_MS}. With it, the chunk that holds a message is found by binary
 * search over the chunks (see `chunks.ts`), so edits, deletions and "is this
 * message known?" cost O(log n) in the conversation's length instead of a
 * walk over its chunks.
 *
 * Sharded into hash buckets so that a dispatch copies only the buckets it
 * touches. Each bucket is two parallel arrays sorted by id, with no
 * per-entry objects; the span is a small integer (V8 keeps it unboxed) where
 * the exact key would be a boxed double: about 20 B per message in all.
 *
 * Two levels, as in a log-structured merge: new ids go to `recent` (at most
 * {@link RECENT_LIMIT} ids, in few buckets), which is merged into the
 * settled `buckets` only when it is full. A burst of a thousand new messages
 * would otherwise touch — and copy — nearly every bucket of a long
 * conversation on each dispatch; this way a dispatch copies at most the
 * small level, and the settled one once per {@link RECENT_LIMIT} new ids.
 *
 * ```
 *   recent[hash(id) & (recent.length - 1)]   = { ids: ['m9', …], spans: […] }   ← new ids
 *   buckets[hash(id) & (buckets.length - 1)] = { ids: ['m1', 'm7', …],
 *                                                spans: [⌊k1 / SPAN_MS⌋, …] }
 * ```
 *
 * An id is in one level only. Plain frozen objects and arrays (Redux
 * DevTools time travel works); every function here is pure and returns a new
 * index sharing untouched buckets.
 */
export interface IdBucket {
  /** Ids in code-unit order. */
  readonly ids: readonly string[];
  /** {@link spanOf} the key of each id. */
  readonly spans: readonly number[];
}

export interface IdIndex {
  /** How many ids the index holds (in both levels). */
  readonly size: number;
  /** The settled level: a power-of-two number of buckets. */
  readonly buckets: readonly IdBucket[];
  /** The newest ids, not yet merged into `buckets`: a power-of-two number of buckets. */
  readonly recent: readonly IdBucket[];
  /** How many ids `recent` holds. */
  readonly recentSize: number;
}

/** The average bucket size beyond which the bucket count doubles. */
export const BUCKET_TARGET = 128;

/** How many ids the recent level takes before it is merged into the settled one. */
export const RECENT_LIMIT = 4096;

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

/** The recent level has a fixed number of buckets: it never grows, so it is never rehashed. */
export const RECENT_BUCKETS = RECENT_LIMIT / BUCKET_TARGET;

const emptyRecent: readonly IdBucket[] = Object.freeze(
  Array.from({ length: RECENT_BUCKETS }, () => emptyBucket),
);

const empty: IdIndex = Object.freeze({
  size: 0,
  buckets: Object.freeze([emptyBucket]),
  recent: emptyRecent,
  recentSize: 0,
});

export function emptyIndex(): IdIndex {
  return empty;
}

/** How many code units at each end of a long id the hash reads. */
const HASHED_END = 8;

/**
 * FNV-1a over the id's code units: the same id always lands in the same
 * bucket. Of a long id only both ends and the length: every id is hashed a
 * few times per dispatch, and a UUID's 36 units made hashing the largest
 * part of a burst's indexing. The ends are where ids differ — the random
 * tail of a v4 or v7 UUID, the clock at the head of a v1 one, the counter at
 * the end of a sequential id; a poor spread only costs speed, never
 * correctness (a bucket is searched by the whole id).
 */
function hashOf(id: string): number {
  let hash = 0x811c9dc5 ^ id.length;
  const length = id.length;
  if (length <= 2 * HASHED_END) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < HASHED_END; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    for (let i = length - HASHED_END; i < length; i++)
      hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  }
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
  const hash = hashOf(id);
  return spanIn(index.recent, id, hash) ?? spanIn(index.buckets, id, hash);
}

function spanIn(buckets: readonly IdBucket[], id: string, hash: number): number | undefined {
  const bucket = buckets[hash & (buckets.length - 1)] as IdBucket;
  const at = search(bucket.ids, id);
  return at < 0 ? undefined : bucket.spans[at];
}

/** An id with its key, as the index is given it (a stored message is one). */
export interface KeyedId {
  readonly id: string;
  /** The message's sort key (`created_ms`). */
  readonly created_ms: number;
}

/** Entries to merge, as parallel arrays: each id's span and hash computed once. */
interface Batch {
  ids: string[];
  spans: number[];
  hashes: number[];
}

function batchOf(entries: Iterable<KeyedId>): Batch {
  const batch: Batch = { ids: [], spans: [], hashes: [] };
  for (const entry of entries) {
    batch.ids.push(entry.id);
    batch.spans.push(spanOf(entry.created_ms));
    batch.hashes.push(hashOf(entry.id));
  }
  return batch;
}

/** Every entry of a level, as a batch. */
function batchOfLevel(buckets: readonly IdBucket[]): Batch {
  const batch: Batch = { ids: [], spans: [], hashes: [] };
  for (const bucket of buckets)
    for (let i = 0; i < bucket.ids.length; i++) {
      const id = bucket.ids[i] as string;
      batch.ids.push(id);
      batch.spans.push(bucket.spans[i] as number);
      batch.hashes.push(hashOf(id));
    }
  return batch;
}

/**
 * Merges the batch entries at `positions` (sorted by id, distinct) into a
 * bucket; an id it holds takes the entry's span. The arrays are sized
 * exactly up front (no `push` growth, no trimming copy).
 */
function mergeInto(
  bucket: IdBucket,
  batch: Batch,
  positions: readonly number[],
): { bucket: IdBucket; added: number } {
  const total = bucket.ids.length + positions.length;
  const ids = new Array<string>(total);
  const spans = new Array<number>(total);
  let k = 0;
  let i = 0;
  let j = 0;
  while (i < bucket.ids.length || j < positions.length) {
    const old = bucket.ids[i];
    const p = positions[j];
    const id = p === undefined ? undefined : (batch.ids[p] as string);
    if (id === undefined || (old !== undefined && old < id)) {
      ids[k] = old as string;
      spans[k++] = bucket.spans[i++] as number;
      continue;
    }
    ids[k] = id;
    spans[k++] = batch.spans[p as number] as number;
    if (old === id) i++;
    j++;
  }
  if (k < total) {
    ids.length = k;
    spans.length = k;
  }
  const merged =
    k === 0 ? emptyBucket : Object.freeze({ ids: Object.freeze(ids), spans: Object.freeze(spans) });
  return { bucket: merged, added: k - bucket.ids.length };
}

/** Positions of the batch grouped by bucket, each group sorted by id, the last entry of an id winning. */
function groupByBucket(
  batch: Batch,
  positions: readonly number[],
  mask: number,
): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const p of positions) {
    const b = (batch.hashes[p] as number) & mask;
    const group = groups.get(b);
    if (group) group.push(p);
    else groups.set(b, [p]);
  }
  const { ids } = batch;
  for (const [b, group] of groups) {
    if (group.length < 2) continue;
    // Ties by position, so that the last entry of an id is the last of its run.
    group.sort((x, y) => {
      const a = ids[x] as string;
      const c = ids[y] as string;
      return a < c ? -1 : a > c ? 1 : x - y;
    });
    let kept = 0;
    for (let g = 0; g < group.length; g++) {
      const next = group[g + 1];
      if (next !== undefined && ids[next] === ids[group[g] as number]) continue;
      group[kept++] = group[g] as number;
    }
    group.length = kept;
    groups.set(b, group);
  }
  return groups;
}

/**
 * The level with its bucket count doubled as often as it takes for the
 * average bucket to hold at most {@link BUCKET_TARGET}, in one pass: bucket b
 * of `count` splits into b, b + count, b + 2·count, … by the hash's next bits
 * (each part stays sorted). A conversation filled from empty by a burst grows
 * by several doublings at once, and each doubling was a pass over every id.
 */
function grown(buckets: IdBucket[], size: number): IdBucket[] {
  const count = buckets.length;
  let target = count;
  while (size > target * BUCKET_TARGET) target *= 2;
  if (target === count) return buckets;
  const parts = target / count;
  const next: IdBucket[] = new Array<IdBucket>(target);
  for (let b = 0; b < count; b++) {
    const bucket = buckets[b] as IdBucket;
    const ids: string[][] = Array.from({ length: parts }, () => []);
    const spans: number[][] = Array.from({ length: parts }, () => []);
    for (let i = 0; i < bucket.ids.length; i++) {
      const id = bucket.ids[i] as string;
      // The bits above the old mask pick the part: (hash & (target - 1)) = b + part · count.
      const part = ((hashOf(id) & (target - 1)) - b) / count;
      (ids[part] as string[]).push(id);
      (spans[part] as number[]).push(bucket.spans[i] as number);
    }
    for (let part = 0; part < parts; part++)
      next[b + part * count] = frozenBucket(ids[part] as string[], spans[part] as number[]);
  }
  return next;
}

/** A frozen bucket of exactly-sized arrays (arrays built by `push` keep spare room). */
function frozenBucket(ids: string[], spans: number[]): IdBucket {
  if (ids.length === 0) return emptyBucket;
  return Object.freeze({ ids: Object.freeze(ids.slice()), spans: Object.freeze(spans.slice()) });
}

interface Level {
  buckets: readonly IdBucket[];
  size: number;
}

/** A level with the batch entries at `positions` merged in; `grow` lets its bucket count double. */
function mergedLevel(
  level: Level,
  batch: Batch,
  positions: readonly number[],
  grow: boolean,
): Level {
  if (positions.length === 0) return level;
  const groups = groupByBucket(batch, positions, level.buckets.length - 1);
  const copy = [...level.buckets];
  let size = level.size;
  for (const [b, group] of groups) {
    const merged = mergeInto(copy[b] as IdBucket, batch, group);
    copy[b] = merged.bucket;
    size += merged.added;
  }
  return { buckets: Object.freeze(grow ? grown(copy, size) : copy), size };
}

const allOf = (batch: Batch) => batch.ids.map((_, p) => p);

/**
 * The index with these ids at these keys' spans (added, or their span
 * replaced). `allNew`: the caller knows the index holds none of them, so
 * they are not looked up in the settled level.
 */
export function withKeys(
  index: IdIndex,
  entries: Iterable<KeyedId>,
  { allNew = false }: { allNew?: boolean } = {},
): IdIndex {
  const batch = batchOf(entries);
  if (batch.ids.length === 0) return index;
  if (allNew && index.recentSize + batch.ids.length > RECENT_LIMIT) return settledAll(index, batch);
  // An id of the settled level is changed there: an id lives in one level only.
  const fresh: number[] = [];
  const settledIds: number[] = [];
  const anySettled = !allNew && index.size > index.recentSize;
  for (let p = 0; p < batch.ids.length; p++)
    (anySettled &&
    spanIn(index.buckets, batch.ids[p] as string, batch.hashes[p] as number) !== undefined
      ? settledIds
      : fresh
    ).push(p);
  let settled: Level = { buckets: index.buckets, size: index.size - index.recentSize };
  settled = mergedLevel(settled, batch, settledIds, true);
  let recent = mergedLevel({ buckets: index.recent, size: index.recentSize }, batch, fresh, false);
  if (recent.size > RECENT_LIMIT) {
    // Full: the recent level settles, and starts over empty.
    const all = batchOfLevel(recent.buckets);
    settled = mergedLevel(settled, all, allOf(all), true);
    recent = { buckets: emptyRecent, size: 0 };
  }
  return Object.freeze({
    size: settled.size + recent.size,
    buckets: settled.buckets,
    recent: recent.buckets,
    recentSize: recent.size,
  });
}

/**
 * The index with the recent level and a batch of ids it holds none of (and
 * none twice) merged into the settled level, the recent level empty: what
 * merging the batch into the recent level and then settling the overflowing
 * level gives, bucket for bucket, in one merge. A burst of thousands would
 * otherwise be sorted into the recent level only to be taken out again, and
 * the settled level would be split after the merge, over twice the ids.
 */
function settledAll(index: IdIndex, batch: Batch): IdIndex {
  const all = batchOfLevel(index.recent);
  for (let p = 0; p < batch.ids.length; p++) {
    all.ids.push(batch.ids[p] as string);
    all.spans.push(batch.spans[p] as number);
    all.hashes.push(batch.hashes[p] as number);
  }
  const size = index.size + batch.ids.length;
  // Split to the final bucket count first: the merge then lands each id in its final bucket.
  const buckets = grown([...index.buckets], size);
  const settledSize = index.size - index.recentSize;
  const settled = mergedLevel({ buckets, size: settledSize }, all, allOf(all), false);
  return Object.freeze({ size, buckets: settled.buckets, recent: emptyRecent, recentSize: 0 });
}

/** A level without these ids, grouped by bucket of the level (null when it holds none of them). */
function levelWithout(
  buckets: readonly IdBucket[],
  ids: Iterable<string>,
): { buckets: readonly IdBucket[]; removed: number } | null {
  const mask = buckets.length - 1;
  const groups = new Map<number, Set<string>>();
  for (const id of ids) {
    const b = hashOf(id) & mask;
    let group = groups.get(b);
    if (!group) groups.set(b, (group = new Set()));
    group.add(id);
  }
  let copy: IdBucket[] | null = null;
  let removed = 0;
  for (const [b, gone] of groups) {
    const bucket = buckets[b] as IdBucket;
    let present = false;
    for (const id of gone) if ((present = search(bucket.ids, id) >= 0)) break;
    if (!present) continue;
    const kept: string[] = [];
    const spans: number[] = [];
    for (let i = 0; i < bucket.ids.length; i++) {
      const id = bucket.ids[i] as string;
      if (gone.has(id)) continue;
      kept.push(id);
      spans.push(bucket.spans[i] as number);
    }
    copy ??= [...buckets];
    copy[b] = frozenBucket(kept, spans);
    removed += bucket.ids.length - kept.length;
  }
  return copy ? { buckets: Object.freeze(copy), removed } : null;
}

/** The index without these ids (ids it does not hold are ignored). */
export function withoutIds(index: IdIndex, ids: Iterable<string>): IdIndex {
  const list = [...ids];
  const recent = levelWithout(index.recent, list);
  const settled = levelWithout(index.buckets, list);
  if (!recent && !settled) return index;
  const recentRemoved = recent?.removed ?? 0;
  return Object.freeze({
    size: index.size - recentRemoved - (settled?.removed ?? 0),
    buckets: settled?.buckets ?? index.buckets,
    recent: recent?.buckets ?? index.recent,
    recentSize: index.recentSize - recentRemoved,
  });
}

/** Every id the index holds with its span (for tests and diagnostics). */
export function entriesOf(index: IdIndex): Map<string, number> {
  const all = new Map<string, number>();
  for (const level of [index.buckets, index.recent])
    for (const bucket of level)
      for (let i = 0; i < bucket.ids.length; i++)
        all.set(bucket.ids[i] as string, bucket.spans[i] as number);
  return all;
}
