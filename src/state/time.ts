const HAS_ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch milliseconds of a server timestamp. The contract allows timestamps
 * without a zone ("2024-01-01T12:00:00") and says to read them as UTC, which
 * `Date.parse` would not do (it reads them as local time). An unreadable
 * value sorts first rather than breaking the order of everything else.
 */
export function parseTimestamp(value: string): number {
  const text = value.trim();
  const ms = Date.parse(HAS_ZONE.test(text) || !text.includes('T') ? text : `${text}Z`);
  return Number.isFinite(ms) ? ms : 0;
}
