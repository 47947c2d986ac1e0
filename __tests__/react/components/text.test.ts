/**
 * The text helpers behind messages: which addresses become links, how a long
 * text is split, and how search words are found — each checked on examples and
 * on arbitrary input (fast-check).
 */
import fc from 'fast-check';
import { splitLinks } from '../../../src/react/components/internal/links';
import { splitMessage } from '../../../src/react/components/internal/split';
import {
  makeSnippet,
  matchesAllTerms,
  matchRanges,
  searchTerms,
  SNIPPET_LENGTH,
} from '../../../src/api/searchText';

const links = (text: string) =>
  splitLinks(text).flatMap((segment) => (segment.kind === 'link' ? [segment] : []));

describe('splitLinks', () => {
  it('links http, https and mailto addresses, without the sentence punctuation after them', () => {
    expect(links('См. https://kstu.kg/raspisanie, и http://a.kg/x?y=1#z.')).toEqual([
      { kind: 'link', text: 'https://kstu.kg/raspisanie', href: 'https://kstu.kg/raspisanie' },
      { kind: 'link', text: 'http://a.kg/x?y=1#z', href: 'http://a.kg/x?y=1#z' },
    ]);
    expect(links('Пишите: mailto:dekanat@kstu.kg!')).toEqual([
      { kind: 'link', text: 'mailto:dekanat@kstu.kg', href: 'mailto:dekanat@kstu.kg' },
    ]);
  });

  it('keeps the brackets that belong to the address and drops the ones around it', () => {
    expect(links('(см. https://en.wikipedia.org/wiki/Normal_form_(databases))')[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Normal_form_(databases)',
    );
    expect(links('(https://kstu.kg/a)')[0]?.text).toBe('https://kstu.kg/a');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'www.kstu.kg',
    'kstu.kg',
    '<a href="https://kstu.kg">x</a>'.replace('https://kstu.kg', 'javascript:alert(1)'),
    'javascript:https://kstu.kg',
    'xhttps://kstu.kg',
    'mailto:',
    'mailto:nobody',
    'https://',
    'http:///path',
    'https:\\\\evil.kg',
  ])('leaves %s as text', (text) => {
    expect(links(text)).toEqual([]);
    expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
  });

  it('gives back the text exactly and links only http(s) and mailto, whatever the input', () => {
    const pieces = fc.constantFrom(
      'https://',
      'http://',
      'mailto:',
      'javascript:',
      'data:',
      'kstu.kg',
      '@',
      '/',
      ' ',
      '\n',
      '(',
      ')',
      '.',
      ',',
      '"',
      '<',
      '>',
      'а',
      'x',
      '%',
      '?',
      '#',
    );
    const texts = fc.oneof(
      fc.string(),
      fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const segments = splitLinks(text);
        expect(segments.map((segment) => segment.text).join('')).toBe(text);
        for (const segment of segments) {
          if (segment.kind !== 'link') continue;
          expect(['http:', 'https:', 'mailto:']).toContain(new URL(segment.href).protocol);
          expect(segment.href.toLowerCase()).not.toMatch(/^(javascript|data|vbscript):/);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('splitMessage', () => {
  it('cuts between paragraphs, then lines, then sentences, then words', () => {
    expect(splitMessage('Один абзац.\n\nДругой абзац.', 20)).toEqual([
      'Один абзац.',
      'Другой абзац.',
    ]);
    expect(splitMessage('Первая строка\nвторая строка', 20)).toEqual([
      'Первая строка',
      'вторая строка',
    ]);
    expect(splitMessage('Раз предложение. Два предложение.', 20)).toEqual([
      'Раз предложение.',
      'Два предложение.',
    ]);
    expect(splitMessage('слово слово слово слово', 12)).toEqual(['слово слово', 'слово слово']);
  });

  it('cuts a run without spaces at the limit, never inside a surrogate pair', () => {
    expect(splitMessage('a'.repeat(25), 10)).toEqual([
      'a'.repeat(10),
      'a'.repeat(10),
      'a'.repeat(5),
    ]);
    const emoji = '😀'.repeat(6); // 12 code units
    const parts = splitMessage(emoji, 5);
    expect(parts.join('')).toBe(emoji);
    for (const part of parts) expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });

  it('returns a text that fits as it is (trimmed), and nothing for blank text', () => {
    expect(splitMessage('  короткое  ', 4000)).toEqual(['короткое']);
    expect(splitMessage(' \n ', 4000)).toEqual([]);
  });

  it('keeps every non-space character in order, in parts that fit and are not blank', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'б', ' ', '\n', '.', '😀', 'x'), maxLength: 400 }),
        fc.integer({ min: 2, max: 60 }),
        (text, max) => {
          const parts = splitMessage(text, max);
          const strip = (value: string) => value.replace(/\s+/g, '');
          expect(strip(parts.join(''))).toBe(strip(text));
          for (const part of parts) {
            expect(part.length).toBeLessThanOrEqual(max);
            expect(part.trim()).toBe(part);
            expect(part.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('search words', () => {
  it('match word beginnings, ignoring case and diacritics, and need every word', () => {
    const terms = searchTerms('КОНСУЛЬТ 305');
    expect(terms).toEqual(['консульт', '305']);
    expect(matchesAllTerms('Консультация в 305-й', terms)).toBe(true);
    expect(matchesAllTerms('Консультация в 306-й', terms)).toBe(false);
    expect(matchesAllTerms('Предконсультация в 305', terms)).toBe(false);
    expect(matchesAllTerms('Ёлка', searchTerms('елк'))).toBe(true);
    expect(matchesAllTerms('Café', searchTerms('cafe'))).toBe(true);
    expect(matchesAllTerms('anything', [])).toBe(false);
  });

  it('mark the matched part of each word', () => {
    expect(matchRanges('Консультация и консультанты', searchTerms('консульт'))).toEqual([
      [0, 8],
      [15, 23],
    ]);
  });

  it('cut a long text into a snippet around the first match, with its highlights shifted', () => {
    const text = `${'слово '.repeat(60)}искомое ${'хвост '.repeat(60)}`.trim();
    const snippet = makeSnippet(text, searchTerms('искомое'));
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    const [[start, end]] = snippet.highlights as [[number, number]];
    expect(snippet.text.slice(start, end)).toBe('искомое');
  });

  it('keep every highlight inside the snippet, on the words searched for', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('кот', 'котёл', 'собака', 'дом', '305', ' ', ', ', '\n'), {
          maxLength: 120,
        }),
        fc.constantFrom('кот', 'дом', '30', 'соб'),
        (words, query) => {
          const text = words.join(' ');
          const terms = searchTerms(query);
          const snippet = makeSnippet(text, terms);
          for (const [start, end] of snippet.highlights) {
            expect(start).toBeGreaterThanOrEqual(0);
            expect(end).toBeLessThanOrEqual(snippet.text.length);
            expect(snippet.text.slice(start, end).toLocaleLowerCase()).toBe(terms[0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
