/**
 * The per-conversation ordered index of message ids. Messages are ordered by
 * `created_at`; messages that share a timestamp keep the order in which the
 * client first learned of them. Inserting a sorted batch of k ids into n
 * costs k binary searches (O(k log n)) plus the splices — never a re-sort.
 */

/** Sort key of an id: its `created_at` in epoch milliseconds. */
export type KeyOf = (id: string) => number;

/** First index whose key is greater than `key`, searching from `low`. */
export function upperBound(ids: readonly string[], key: number, keyOf: KeyOf, low = 0): number {
  let lo = low;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(ids[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Orders a batch by key, keeping the batch's own order among equal keys
 * (Array.prototype.sort is stable), so ties stay in the order learned.
 */
export function sortBatch(ids: readonly string[], keyOf: KeyOf): string[] {
  return [...ids].sort((a, b) => keyOf(a) - keyOf(b));
}

/**
 * Merges ids that are not in `existing` into it and returns the new array
 * (`existing` itself when there is nothing to add). The common cases — a
 * newer batch (live messages, catch-up) or an older page (scroll-back) — are
 * a single concatenation.
 */
export function mergeSorted(
  existing: readonly string[],
  batch: readonly string[],
  keyOf: KeyOf,
): string[] {
  if (batch.length === 0) return existing as string[];
  const incoming = sortBatch(batch, keyOf);
  if (existing.length === 0) return incoming;

  const first = incoming[0] as string;
  const last = incoming[incoming.length - 1] as string;
  if (keyOf(first) >= keyOf(existing[existing.length - 1] as string))
    return [...existing, ...incoming];
  if (keyOf(last) < keyOf(existing[0] as string)) return [...incoming, ...existing];

  const merged = existing.slice();
  let from = 0;
  for (const id of incoming) {
    // Each later item of the sorted batch lands at or after the previous one.
    const at = upperBound(merged, keyOf(id), keyOf, from);
    merged.splice(at, 0, id);
    from = at + 1;
  }
  return merged;
}
