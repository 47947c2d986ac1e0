/**
 * Finds the web and mail addresses in a message, and nothing else: the text
 * is never parsed as markup, and only `http:`, `https:` and `mailto:` URLs
 * written out in full become links. Everything else (`javascript:`, `data:`,
 * `www.example.com`, HTML) stays text.
 */

/** A run of a message's text: plain, or an address that may be a link. */
export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

// A candidate starts at a scheme we allow and runs to the next space or a
// character that never belongs to a URL typed in a chat. The scheme must not
// follow a letter or digit, so "xhttp://…" or "javascript:http://…" do not link.
// A backslash never counts (browsers read it as "/", so the link would differ from the text),
// and after "//" a host must follow: "http:///x" is not an address.
const CANDIDATE =
  /(?<![\p{L}\p{N}])(?:https?:\/\/(?=[^\s/\\])|mailto:)[^\s<>"'`\\\u00A0\u2028\u2029]+/giu;

// "javascript:https://…" is another scheme's text, not an address of its own.
const SCHEME_BEFORE = /[a-z][a-z\d+.-]*:$/i;

// Punctuation that ends a sentence rather than the address: "see https://a.kg/x."
const TRAILING = /[.,;:!?…»”’]+$/u;

const closers: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Drops what a reader sees as the sentence's punctuation, keeping balanced brackets of the URL. */
function trimCandidate(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    const last = url.at(-1);
    const opener = last !== undefined ? closers[last] : undefined;
    if (opener !== undefined) {
      const opens = url.split(opener).length - 1;
      const closes = url.split(last as string).length - 1;
      if (closes > opens) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

/** The URL to put in `href`, or `null` when the candidate is not a safe, complete address. */
function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') {
    // "mailto:" alone, or without an @, names nobody.
    return /^[^@\s]+@[^@\s]+$/.test(decodeSafely(url.pathname)) ? url.href : null;
  }
  return url.hostname ? url.href : null;
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Splits `text` into plain runs and links. Joining the `text` of every segment
 * gives back `text` exactly.
 *
 * @example
 * ```ts
 * splitLinks('see https://kstu.kg.');
 * // [{ kind: 'text', text: 'see ' }, { kind: 'link', text: 'https://kstu.kg', href: 'https://kstu.kg/' }, { kind: 'text', text: '.' }]
 * ```
 */
export function splitLinks(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let plainStart = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    if (SCHEME_BEFORE.test(text.slice(Math.max(0, start - 32), start))) continue;
    const url = trimCandidate(match[0]);
    const href = safeHref(url);
    if (href === null) continue;
    if (start > plainStart) segments.push({ kind: 'text', text: text.slice(plainStart, start) });
    segments.push({ kind: 'link', text: url, href });
    plainStart = start + url.length;
  }
  if (plainStart < text.length) segments.push({ kind: 'text', text: text.slice(plainStart) });
  return segments;
}
