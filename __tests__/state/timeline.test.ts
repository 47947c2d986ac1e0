import { upperBound } from '../../src/state/timeline';

const keys: Record<string, number> = { a: 1, b: 2, c: 2, d: 3, e: 5, f: 2, g: 0, h: 9 };
const keyOf = (id: string) => keys[id] ?? 0;

describe('timeline ordering', () => {
  it('finds the insertion point after equal keys', () => {
    expect(upperBound(['a', 'b', 'c', 'd'], 2, keyOf)).toBe(3);
    expect(upperBound(['a', 'b', 'c', 'd'], 0, keyOf)).toBe(0);
    expect(upperBound(['a', 'b', 'c', 'd'], 7, keyOf)).toBe(4);
  });

  it('searches from the given lower bound', () => {
    expect(upperBound(['a', 'b', 'c', 'd'], 0, keyOf, 2)).toBe(2);
  });
});
