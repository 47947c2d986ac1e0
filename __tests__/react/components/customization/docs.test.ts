import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docs/customization.md prints its examples as they run: every block marked
 * `<!-- example: name -->` is the region `// example: name` … `// end example`
 * of an `*.example.test.tsx` file in this folder (up to line breaks), and
 * every region is printed. (The same check as __tests__/testing/docs.test.ts.)
 */
const root = join(__dirname, '..', '..', '..', '..');

/** Tokens only: whitespace and the trailing commas that line breaks bring do not count. */
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
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.example.test.tsx'))) {
    const source = readFileSync(join(__dirname, file), 'utf8');
    for (const [, name, body] of source.matchAll(
      /^[ \t]*\/\/ example: ([\w-]+)\n([\s\S]*?)^[ \t]*\/\/ end example/gm,
    )) {
      found.set(name!, normalize(body!));
    }
  }
  return found;
}

function printed(): Map<string, string> {
  const found = new Map<string, string>();
  const markdown = readFileSync(join(root, 'docs', 'customization.md'), 'utf8');
  for (const [, name, body] of markdown.matchAll(
    /<!-- example: ([\w-]+) -->\s*```tsx?\n([\s\S]*?)```/g,
  )) {
    found.set(name!, normalize(body!));
  }
  return found;
}

describe('docs/customization.md', () => {
  const code = regions();
  const docs = printed();

  it('prints every example region, one per slot at least', () => {
    expect([...docs.keys()].sort()).toEqual([...code.keys()].sort());
    expect(code.size).toBeGreaterThanOrEqual(5);
  });

  it.each([...code.keys()])('prints the example %s exactly as it runs', (name) => {
    expect(docs.get(name)).toBe(code.get(name));
  });

  it('names every slot of ChatSlots in its table', () => {
    const slotsSource = readFileSync(join(root, 'src/react/components/slots.ts'), 'utf8');
    const slots = [...slotsSource.matchAll(/^ {2}(\w+)\?: ComponentType/gm)].map((m) => m[1]!);
    expect(slots).toHaveLength(6);
    const markdown = readFileSync(join(root, 'docs', 'customization.md'), 'utf8');
    for (const slot of slots) expect(markdown).toContain(`| \`${slot}\``);
  });
});
