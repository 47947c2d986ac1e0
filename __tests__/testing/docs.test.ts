import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/testing.md prints its examples as they run: every block marked
 * `<!-- example: name -->` is the region `// example: name` … `// end example`
 * of the example tests beside this file (up to line breaks), and every region
 * is printed.
 */
const root = join(__dirname, '..', '..');
const exampleFiles = ['hostStore.example.test.ts', 'hostScreen.example.test.tsx'];

/**
 * The code as tokens: whitespace and the trailing commas that line breaks bring
 * do not count (prettier wraps the same code differently at another indentation).
 */
function normalize(code: string): string {
  return code
    .replace(/\s+/g, ' ')
    .replace(/,\s*([)\]}])/g, '$1')
    .replace(/([([{])\s+/g, '$1')
    .replace(/\s+([)\]}])/g, '$1')
    .trim();
}

function regions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of exampleFiles) {
    const source = readFileSync(join(__dirname, file), 'utf8');
    for (const [, name, body] of source.matchAll(
      /^[ \t]*\/\/ example: ([\w-]+)\n([\s\S]*?)^[ \t]*\/\/ end example/gm,
    )) {
      found.set(name!, normalize(body!));
    }
  }
  return found;
}

function printed(page: string): Map<string, string> {
  const found = new Map<string, string>();
  const markdown = readFileSync(join(root, 'docs', page), 'utf8');
  for (const [, name, body] of markdown.matchAll(
    /<!-- example: ([\w-]+) -->\s*```tsx?\n([\s\S]*?)```/g,
  )) {
    found.set(name!, normalize(body!));
  }
  return found;
}

describe('docs/testing.md', () => {
  const code = regions();
  const docs = printed('testing.md');

  it('prints every example region of the tests', () => {
    expect([...docs.keys()].sort()).toEqual([...code.keys()].sort());
    expect(code.size).toBeGreaterThanOrEqual(6);
  });

  it.each([...regions().keys()])('prints the example %s exactly as it runs', (name) => {
    expect(docs.get(name)).toBe(code.get(name));
  });
});
