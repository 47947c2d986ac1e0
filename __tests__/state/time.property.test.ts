import fc from 'fast-check';
import { parseTimestamp } from '../../src/state/time';

/**
 * parseTimestamp reads the servers' canonical form (`…T…Z`) by hand for
 * speed; whatever it reads that way must be exactly what `Date.parse` says,
 * including its quirks (days past a month's end roll over, a fraction is
 * read to its third digit, out-of-range fields are NaN).
 */
const digitString = (length: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })
    .map((d) => d.join(''));

/** Canonical-looking strings with any digits in any field, and any fraction length. */
const canonicalLooking = fc
  .record({
    year: digitString(4),
    month: fc.oneof(
      digitString(2),
      fc.integer({ min: 1, max: 12 }).map((m) => String(m).padStart(2, '0')),
    ),
    day: fc.oneof(
      digitString(2),
      fc.integer({ min: 1, max: 31 }).map((d) => String(d).padStart(2, '0')),
    ),
    hour: fc.oneof(
      digitString(2),
      fc.integer({ min: 0, max: 24 }).map((h) => String(h).padStart(2, '0')),
    ),
    minute: digitString(2),
    second: digitString(2),
    fraction: fc.option(
      fc.integer({ min: 0, max: 12 }).chain((n) => digitString(n)),
      { nil: undefined },
    ),
  })
  .map(
    ({ year, month, day, hour, minute, second, fraction }) =>
      `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction === undefined ? '' : `.${fraction}`}Z`,
  );

const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b);

describe('parseTimestamp', () => {
  it('agrees with Date.parse on every canonical-looking timestamp', () => {
    fc.assert(
      fc.property(canonicalLooking, (text) => {
        expect({ text, ms: parseTimestamp(text) }).toEqual({ text, ms: Date.parse(text) });
        return same(parseTimestamp(text), Date.parse(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse on the ISO strings of real dates', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          expect(parseTimestamp(iso)).toBe(date.getTime());
          expect(parseTimestamp(iso.replace(/\.\d+Z$/, 'Z'))).toBe(
            Date.parse(iso.replace(/\.\d+Z$/, 'Z')),
          );
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('reads the cases around the hand-read form the way Date.parse does', () => {
    for (const text of [
      '2024-02-29T12:00:00Z',
      '2024-02-30T00:00:00Z',
      '2023-02-29T12:00:00.5Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-13-01T00:00:00Z',
      '2024-01-01T00:00:00.Z',
      '2024-01-01T00:00:00.123456789Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
    ])
      expect({ text, ms: parseTimestamp(text) }).toEqual({ text, ms: Date.parse(text) });
  });
});
