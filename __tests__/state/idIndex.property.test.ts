import fc from 'fast-check';
import {
  BUCKET_TARGET,
  RECENT_LIMIT,
  emptyIndex,
  entriesOf,
  spanOf,
  spanOfId,
  withKeys,
  withoutIds,
} from '../../src/state/idIndex';
import type { IdIndex } from '../../src/state/idIndex';

/**
 * The index's two levels (recent ids, merged into the settled buckets when
 * RECENT_LIMIT is passed) against a plain Map, over batches big enough to
 * settle several times: whatever the order of additions, re-keyings and
 * removals, it holds exactly the model's ids at the model's spans.
 */

const POOL = 3 * RECENT_LIMIT;
const idOf = (n: number) => `m${n}`;

type Step =
  | { kind: 'add'; from: number; count: number; key: number; allNew: boolean }
  | { kind: 'remove'; from: number; count: number; stride: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    from: fc.nat({ max: POOL - 1 }),
    count: fc.oneof(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: RECENT_LIMIT + 500 }),
    ),
    key: fc.integer({ min: 0, max: 2 ** 41 }),
    // Only the ids the index lacks, passed as `allNew` (as `insertMessages` passes them).
    allNew: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    from: fc.nat({ max: POOL - 1 }),
    count: fc.integer({ min: 1, max: 3000 }),
    stride: fc.integer({ min: 1, max: 7 }),
  }),
);

function disagreements(index: IdIndex, model: ReadonlyMap<string, number>): string[] {
  const wrong: string[] = [];
  if (index.size !== model.size) wrong.push(`size ${index.size}, model ${model.size}`);
  if (index.recentSize > RECENT_LIMIT) wrong.push(`recent holds ${index.recentSize}`);
  const recentCount = index.recent.reduce((sum, bucket) => sum + bucket.ids.length, 0);
  if (recentCount !== index.recentSize)
    wrong.push(`recentSize ${index.recentSize}, ${recentCount} held`);
  const settled = new Set(index.buckets.flatMap((bucket) => bucket.ids));
  for (const bucket of index.recent)
    for (const id of bucket.ids) if (settled.has(id)) wrong.push(`${id} in both levels`);
  const entries = entriesOf(index);
  if (entries.size !== model.size) wrong.push(`${entries.size} entries, model ${model.size}`);
  for (const [id, span] of model) {
    if (spanOfId(index, id) !== span) wrong.push(`${id}: ${spanOfId(index, id)}, model ${span}`);
    if (wrong.length > 5) break;
  }
  for (let n = POOL; n < POOL + 5; n++)
    if (spanOfId(index, idOf(n)) !== undefined) wrong.push(`${idOf(n)} invented`);
  if (![index, index.buckets, index.recent].every(Object.isFrozen)) wrong.push('not frozen');
  return wrong;
}

/** The bucket count `size` settled ids need: the least power of two averaging at most BUCKET_TARGET. */
function bucketsFor(size: number): number {
  let buckets = 1;
  while (size > buckets * BUCKET_TARGET) buckets *= 2;
  return buckets;
}

describe('the two-level id index', () => {
  it('agrees with a Map through additions, re-keyings and removals across several settlings', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        let index = emptyIndex();
        const model = new Map<string, number>();
        let peakSettled = 0;
        for (const s of steps) {
          if (s.kind === 'add') {
            let entries = Array.from({ length: s.count }, (_, i) => ({
              id: idOf((s.from + i) % POOL),
              created_ms: s.key + i * 997,
            }));
            if (s.allNew) {
              entries = entries.filter((entry) => !model.has(entry.id));
              // Settling in one merge gives what the merge into the recent level and its
              // settling give, bucket for bucket.
              const viaRecent = withKeys(index, entries);
              index = withKeys(index, entries, { allNew: true });
              expect(index).toEqual(viaRecent);
            } else index = withKeys(index, entries);
            for (const entry of entries) model.set(entry.id, spanOf(entry.created_ms));
          } else {
            const ids = Array.from({ length: s.count }, (_, i) =>
              idOf((s.from + i * s.stride) % POOL),
            );
            index = withoutIds(index, ids);
            for (const id of ids) model.delete(id);
          }
          expect({ after: s, wrong: disagreements(index, model) }).toEqual({ after: s, wrong: [] });
          // The settled level has as many buckets as its largest size so far needs, no more
          // (they never shrink): a power of two, averaging at most BUCKET_TARGET ids.
          peakSettled = Math.max(peakSettled, index.size - index.recentSize);
          expect({ after: s, buckets: index.buckets.length }).toEqual({
            after: s,
            buckets: bucketsFor(peakSettled),
          });
        }
      }),
      { numRuns: Number(process.env.INDEX_RUNS ?? 40) },
    );
  });

  it.each([RECENT_LIMIT + 1, 9_000, 20_000, 70_000])(
    'grows to as many buckets as %i ids need at once, each id findable',
    (count) => {
      const entries = Array.from({ length: count }, (_, i) => ({
        id: idOf(i),
        created_ms: i * 1000,
      }));
      const index = withKeys(emptyIndex(), entries);
      expect(index.buckets.length).toBe(bucketsFor(count));
      expect(
        entries.every(({ id, created_ms }) => spanOfId(index, id) === spanOf(created_ms)),
      ).toBe(true);
    },
  );

  it.each([false, true])(
    'settles the recent level into the buckets once it passes RECENT_LIMIT (allNew: %s)',
    (allNew) => {
      const entries = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => ({
          id: idOf(from + i),
          created_ms: (from + i) * 1000,
        }));
      const filling = withKeys(emptyIndex(), entries(0, RECENT_LIMIT), { allNew });
      expect(filling.recentSize).toBe(RECENT_LIMIT);
      expect(filling.buckets.every((bucket) => bucket.ids.length === 0)).toBe(true);
      const settled = withKeys(filling, entries(RECENT_LIMIT, 1), { allNew });
      expect(settled.recentSize).toBe(0);
      expect(settled.size).toBe(RECENT_LIMIT + 1);
      // A live message after that copies the small level only, not the settled buckets.
      const live = withKeys(settled, entries(RECENT_LIMIT + 1, 1), { allNew });
      expect(live.buckets).toBe(settled.buckets);
      expect(live.recentSize).toBe(1);
    },
  );
});
