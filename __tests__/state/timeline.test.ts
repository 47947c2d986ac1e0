import { mergeSorted, upperBound } from '../../src/state/timeline';

const keys: Record<string, number> = { a: 1, b: 2, c: 2, d: 3, e: 5, f: 2, g: 0, h: 9 };
const keyOf = (id: string) => keys[id] ?? 0;

describe('timeline ordering', () => {
  it('appends a newer batch after the existing ids', () => {
    expect(mergeSorted(['a', 'b'], ['d', 'e'], keyOf)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('prepends an older page before the existing ids', () => {
    expect(mergeSorted(['d', 'e'], ['a', 'b'], keyOf)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('keeps the order of messages that share a timestamp: first learned first', () => {
    // b and c share key 2 and are known; f (also 2) is learned later.
    expect(mergeSorted(['a', 'b', 'c', 'd'], ['f'], keyOf)).toEqual(['a', 'b', 'c', 'f', 'd']);
  });

  it('keeps the batch order among equal keys of the batch itself', () => {
    expect(mergeSorted(['a', 'd'], ['c', 'b', 'f'], keyOf)).toEqual(['a', 'c', 'b', 'f', 'd']);
  });

  it('interleaves a batch that spans the existing range', () => {
    expect(mergeSorted(['a', 'd', 'h'], ['e', 'g', 'b'], keyOf)).toEqual([
      'g',
      'a',
      'b',
      'd',
      'e',
      'h',
    ]);
  });

  it('returns the same array when there is nothing to add', () => {
    const ids = ['a', 'b'];
    expect(mergeSorted(ids, [], keyOf)).toBe(ids);
  });

  it('finds the insertion point after equal keys', () => {
    expect(upperBound(['a', 'b', 'c', 'd'], 2, keyOf)).toBe(3);
    expect(upperBound(['a', 'b', 'c', 'd'], 0, keyOf)).toBe(0);
    expect(upperBound(['a', 'b', 'c', 'd'], 7, keyOf)).toBe(4);
  });
});
