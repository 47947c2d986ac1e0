const HAS_ZONE = /(?:z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Epoch milliseconds of a server timestamp, or `NaN` when it cannot be read.
 * The contract allows timestamps without a zone ("2024-01-01T12:00:00") and
 * says to read them as UTC, which `Date.parse` would not do (it reads them as
 * local time); a space instead of the `T` is accepted too.
 *
 * @example
 * ```ts
 * parseTimestamp('2024-01-01T12:00:00'); // 1704110400000, whatever the local zone
 * ```
 */
export function parseTimestamp(value: string): number {
  // The common case, as servers send it ("2024-01-01T12:00:00.000Z"): no clean-up needed.
  if (value.length >= 20 && value.charCodeAt(value.length - 1) === 90 /* Z */ && value[10] === 'T')
    return canonicalUtc(value) ?? Date.parse(value);
  const text = value.trim().replace(' ', 'T');
  return Date.parse(text.includes('T') && !HAS_ZONE.test(text) ? `${text}Z` : text);
}

/** The decimal value of `value[from, from + length)`, or -1 when one of them is not a digit. */
function digits(value: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1–12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS[.fraction]Z` read by hand, or `undefined`
 * for anything else (and for fractions of more than 3 digits): `Date.parse`
 * was the largest single cost of storing a burst after `JSON.parse`. Its
 * result is `Date.parse`'s, quirks included (February 30th is March 1st for
 * both), which a property test checks.
 */
function canonicalUtc(value: string): number | undefined {
  const end = value.length - 1; // the `Z`
  if (value[4] !== '-' || value[7] !== '-' || value[13] !== ':' || value[16] !== ':')
    return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  let ms = 0;
  if (end > 19) {
    // A fraction of 1–3 digits (longer ones `Date.parse` reads in ways of its own).
    if (value[19] !== '.' || end === 20 || end > 23) return undefined;
    const fraction = digits(value, 20, end - 20);
    if (fraction < 0) return undefined;
    ms = fraction * 10 ** (23 - end);
  }
  const epochMs =
    ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
  // Before 1970 `Date.parse` truncates a sub-millisecond fraction towards zero: leave those to it.
  return epochMs >= 0 ? epochMs : undefined;
}

/** A timestamp for ordering: an unreadable one sorts first rather than breaking the order. */
export function sortableTimestamp(value: string): number {
  const ms = parseTimestamp(value);
  return Number.isFinite(ms) ? ms : 0;
}
