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
    return Date.parse(value);
  const text = value.trim().replace(' ', 'T');
  return Date.parse(text.includes('T') && !HAS_ZONE.test(text) ? `${text}Z` : text);
}

/** A timestamp for ordering: an unreadable one sorts first rather than breaking the order. */
export function sortableTimestamp(value: string): number {
  const ms = parseTimestamp(value);
  return Number.isFinite(ms) ? ms : 0;
}
