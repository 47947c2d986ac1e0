/**
 * Ordering helpers of a conversation's messages. Messages are ordered by
 * `created_at`; messages that share a timestamp keep the order in which the
 * client first learned of them (see `chunks.ts`).
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
