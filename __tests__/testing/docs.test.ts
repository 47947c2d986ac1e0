import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The docs print their examples as they run: every block marked
 * `<!-- example: name -->` is the region `// example: name` … `// end example`
 * of the files that run it (up to line breaks), and every region is printed.
 */
const root = join(__dirname, '..', '..');
const pages: Record<string, string[]> = {
  'testing.md': [
    '__tests__/testing/hostStore.example.test.ts',
    '__tests__/testing/hostScreen.example.test.tsx',
  ],
  // Rendered by __tests__/consumer/next.test.tsx, type-checked in the consumer app.
  'ssr.md': [
    '__tests__/consumer/next/store.ts',
    '__tests__/consumer/next/StoreProvider.tsx',
    '__tests__/consumer/next/page.tsx',
    '__tests__/consumer/next/loadChatState.ts',
  ],
  'tabs.md': ['__tests__/socket/tabs.example.test.ts'],
  'workspace.md': ['__tests__/integration/workspace.example.test.ts'],
};

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

function regions(files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    const source = readFileSync(join(root, file), 'utf8');
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

describe.each(Object.entries(pages))('docs/%s', (page, files) => {
  const code = regions(files);
  const docs = printed(page);

  it('prints every example region of the code that runs it', () => {
    expect([...docs.keys()].sort()).toEqual([...code.keys()].sort());
    expect(code.size).toBeGreaterThanOrEqual(files.length);
  });

  it.each([...code.keys()])('prints the example %s exactly as it runs', (name) => {
    expect(docs.get(name)).toBe(code.get(name));
  });
});
