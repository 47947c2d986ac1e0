import { build } from 'esbuild';
import { pureTopLevelCalls } from '../../scripts/pureAnnotations';

/**
 * The build's pure marks: what a host's bundler may drop when unused, and what
 * it must keep (statements run for their effect).
 */
const source = `
import { createAction, isAnyOf, createSelector } from '@reduxjs/toolkit';
import { api } from './api';
export const plain = createAction('plain');
export const cast = createAction<string>('cast') as unknown as Function;
export const reads = isAnyOf(api.endpoints.a.matchFulfilled);
export const alias = api.endpoints.a;
export const shaped = { check: optional(isString) };
export const literal = { a: 1, b: 'two', c: [true, null], d: () => 3 };
export const sum = 5 * 60_000;
export function declared() { return 1; }
sideEffect();
api.define({ ok: true });
`;

async function bundleImporting(names: string[], code: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from './entry';`,
      resolveDir: '/',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'virtual',
        setup(b) {
          b.onResolve({ filter: /^\.\/entry$/ }, () => ({ path: 'entry.ts', namespace: 'v' }));
          b.onResolve({ filter: /.*/ }, (args) => ({ path: args.path, external: true }));
          b.onLoad({ filter: /.*/, namespace: 'v' }, () => ({ contents: code, loader: 'ts' }));
        },
      },
    ],
  });
  return result.outputFiles[0]!.text;
}

describe('pure marks on top-level initializers', () => {
  const { code, marked } = pureTopLevelCalls(source, 'entry.ts');

  it('marks calls, and wraps initializers that read properties or call inside', () => {
    expect(marked).toEqual(['plain', 'cast', 'reads', 'alias', 'shaped']);
    expect(code).toContain("export const plain = /* @__PURE__ */ createAction('plain');");
    expect(code).toContain(
      "export const cast = /* @__PURE__ */ createAction<string>('cast') as unknown as Function;",
    );
    expect(code).toContain(
      'export const reads = /* @__PURE__ */ (() => (isAnyOf(api.endpoints.a.matchFulfilled)))();',
    );
    expect(code).toContain('export const alias = /* @__PURE__ */ (() => (api.endpoints.a))();');
  });

  it('leaves literals, functions and bare statements as they are', () => {
    expect(code).toContain(
      "export const literal = { a: 1, b: 'two', c: [true, null], d: () => 3 };",
    );
    expect(code).toContain('export const sum = 5 * 60_000;');
    expect(code).toContain('\nsideEffect();\napi.define({ ok: true });');
  });

  it('lets a bundler drop what is unused and keep the statements', async () => {
    const one = await bundleImporting(['plain'], code);
    expect(one).toContain('createAction("plain")');
    expect(one).not.toMatch(/matchFulfilled|"cast"|optional\(/);
    expect(one).toContain('sideEffect()');
    expect(one).toContain('api.define(');
    // Without the marks the same import keeps everything.
    const unmarked = await bundleImporting(['plain'], source);
    expect(unmarked).toMatch(/matchFulfilled/);
    expect(unmarked).toContain('"cast"');
  });
});
