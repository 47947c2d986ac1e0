/**
 * Word matching for message search, shared by the reference server (which
 * finds the rows with SQLite FTS5 and words the snippet here) and the client
 * (which searches the loaded messages when the server has no search). A query
 * is a list of words; a text matches when every word of the query begins a
 * word of the text, ignoring case and diacritics — FTS5's `"word"*` prefix
 * queries with the `unicode61 remove_diacritics 2` tokenizer.
 */

/** A highlighted run of a snippet: `[start, end)` in UTF-16 code units. */
export type TextRange = [start: number, end: number];

/** A piece of a message around the words found, with the words marked. */
export interface SearchSnippet {
  /** The excerpt; `…` marks text left out at either end. */
  text: string;
  /** Where the query's words are in `text`, in order, not overlapping. */
  highlights: TextRange[];
}

/** The longest query the search accepts, in characters. */
export const SEARCH_QUERY_MAX = 200;
/** At most this many words of a query are used. */
export const SEARCH_TERMS_MAX = 10;
/** How long a snippet gets around the first word found. */
export const SNIPPET_LENGTH = 160;

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Lower case without diacritics: "Ёлка" and "елка" compare equal, as do "Café" and "cafe".
 *
 * @example
 * ```ts
 * foldWord('Café'); // 'cafe'
 * ```
 */
export function foldWord(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('ru');
}

/**
 * The words of a query as typed, without repeats (compared folded), at most
 * {@link SEARCH_TERMS_MAX}: what the server hands to FTS5, whose tokenizer folds them itself.
 *
 * @example
 * ```ts
 * queryWords('  Консультация, в 305! '); // ['Консультация', 'в', '305']
 * ```
 */
export function queryWords(query: string): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  for (const [word] of query.slice(0, SEARCH_QUERY_MAX).matchAll(WORD)) {
    const folded = foldWord(word);
    if (!folded || seen.has(folded)) continue;
    seen.add(folded);
    words.push(word);
    if (words.length === SEARCH_TERMS_MAX) break;
  }
  return words;
}

/**
 * The words of a query, folded, without repeats, at most {@link SEARCH_TERMS_MAX}.
 *
 * @example
 * ```ts
 * searchTerms('  Консультация, в 305! '); // ['консультация', 'в', '305']
 * ```
 */
export function searchTerms(query: string): string[] {
  return queryWords(query).map(foldWord);
}

/**
 * The words of `text` that begin with one of `terms`, as ranges of `text` to highlight.
 *
 * @example
 * ```ts
 * matchRanges('Консультация в 305-й', searchTerms('конс')); // [[0, 4]]
 * ```
 */
export function matchRanges(text: string, terms: readonly string[]): TextRange[] {
  const ranges: TextRange[] = [];
  if (terms.length === 0) return ranges;
  for (const match of text.matchAll(WORD)) {
    const folded = foldWord(match[0]);
    const term = terms.find((candidate) => folded.startsWith(candidate));
    if (term === undefined) continue;
    // Highlight the part of the word that matched, as long as the fold kept lengths.
    const length = folded.length === match[0].length ? term.length : match[0].length;
    ranges.push([match.index, match.index + length]);
  }
  return ranges;
}

/**
 * Whether every term begins some word of `text`.
 *
 * @example
 * ```ts
 * matchesAllTerms('Консультация в 305-й', searchTerms('конс 305')); // true
 * ```
 */
export function matchesAllTerms(text: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const words = Array.from(text.matchAll(WORD), ([word]) => foldWord(word));
  return terms.every((term) => words.some((word) => word.startsWith(term)));
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * An excerpt of `text` around the first word found, at most about
 * {@link SNIPPET_LENGTH} characters, with the found words marked.
 *
 * @example
 * ```ts
 * makeSnippet('Консультация в 305-й', searchTerms('305'));
 * // { text: 'Консультация в 305-й', highlights: [[15, 18]] }
 * ```
 */
export function makeSnippet(text: string, terms: readonly string[]): SearchSnippet {
  const all = matchRanges(text, terms);
  if (text.length <= SNIPPET_LENGTH) return { text, highlights: all };
  const first = all[0]?.[0] ?? 0;
  // Some words before the match, so it reads in context.
  let start = Math.max(0, first - Math.floor(SNIPPET_LENGTH / 4));
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  start = Math.max(0, end - SNIPPET_LENGTH);
  // Cut at spaces, never inside a word (or a surrogate pair).
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < first) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start && space > (all[0]?.[1] ?? 0)) end = space;
  }
  if (isLowSurrogate(text.charCodeAt(start))) start -= 1;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < text.length ? '…' : '';
  const shift = prefix.length - start;
  const highlights = all
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): TextRange => [from + shift, to + shift]);
  return { text: `${prefix}${text.slice(start, end)}${suffix}`, highlights };
}
