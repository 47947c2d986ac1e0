/**
 * Splits a text that is too long for one message into several, in order,
 * cutting where a reader would: between paragraphs, then lines, then
 * sentences, then words; only a single unbroken run longer than the limit is
 * cut mid-word (never inside a surrogate pair).
 */

// A break is looked for only in the last part of a window, so parts stay long.
const MIN_FILL = 0.5;

const breakers: readonly RegExp[] = [/\n\s*\n/g, /\n/g, /[.!?…](?=\s)/g, /\s/g];

/** Where to cut `window` (the index after which the next part starts), or -1. */
function lastBreak(window: string): number {
  const floor = Math.floor(window.length * MIN_FILL);
  for (const breaker of breakers) {
    let best = -1;
    for (const match of window.matchAll(breaker)) {
      const end = match.index + match[0].length;
      if (end >= floor) best = end;
    }
    if (best > 0) return best;
  }
  return -1;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The parts of `text`, each trimmed, non-empty and at most `max` UTF-16 code
 * units long; a text that fits comes back as one part. Only whitespace at the
 * cuts is dropped.
 *
 * @example
 * ```ts
 * splitMessage('First paragraph.\n\nSecond one.', 20); // ['First paragraph.', 'Second one.']
 * ```
 */
export function splitMessage(text: string, max: number): string[] {
  if (max < 2) throw new RangeError('max must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = lastBreak(window);
    if (cut <= 0) {
      cut = max;
      if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    }
    const part = rest.slice(0, cut).trim();
    if (part) parts.push(part);
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
