import { readFile } from 'node:fs/promises';
import ts from 'typescript';
import type { Plugin } from 'esbuild';

/** Expressions a bundler can drop without a second thought: no call, no property read. */
function isInert(node: ts.Expression): boolean {
  if (
    ts.isStringLiteral(node) ||
    ts.isNumericLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isIdentifier(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    node.kind === ts.SyntaxKind.NullKeyword
  ) {
    return true;
  }
  if (
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isParenthesizedExpression(node)
  ) {
    return isInert(node.expression);
  }
  if (ts.isPrefixUnaryExpression(node)) return ts.isNumericLiteral(node.operand);
  if (ts.isBinaryExpression(node)) return isInert(node.left) && isInert(node.right);
  if (ts.isArrayLiteralExpression(node)) return node.elements.every(isInert);
  if (ts.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (property) =>
        ts.isMethodDeclaration(property) ||
        ts.isShorthandPropertyAssignment(property) ||
        (ts.isPropertyAssignment(property) &&
          !ts.isComputedPropertyName(property.name) &&
          isInert(property.initializer)),
    );
  }
  return false;
}

function unwrap(node: ts.Expression): ts.Expression {
  let inner = node;
  while (
    ts.isAsExpression(inner) ||
    ts.isSatisfiesExpression(inner) ||
    ts.isParenthesizedExpression(inner) ||
    ts.isNonNullExpression(inner)
  ) {
    inner = inner.expression;
  }
  return inner;
}

/**
 * Marks every call or `new` that initializes a top-level `const`/`let` as
 * free of side effects (what babel-plugin-annotate-pure-calls does), so a
 * host's bundler may drop `createAction(…)`, `createSelector(…)`,
 * `createApi(…)` and their kin when nothing uses the result: without the mark
 * a bundler must keep every top-level call, and one selector would cost the
 * whole package. A call whose arguments read properties or call functions
 * (`isAnyOf(chatApi.endpoints.x.matchRejected)`) is wrapped whole in a marked
 * arrow, since a mark covers the call, not the reading of its arguments.
 * So is any other initializer that reads a property or calls something
 * (`selectAll = selectors.selectAll`, `{ id: optional(string) }`).
 * A bare top-level call (`schema.define(…)`, `attachChatApiModule(…)`) is a
 * statement for its effect and stays as it is.
 */
export function pureTopLevelCalls(
  source: string,
  fileName: string,
): { code: string; marked: string[] } {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const edits: Array<{ at: number; text: string }> = [];
  const marked: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (!init || isInert(init)) continue;
      const call = unwrap(init);
      marked.push(declaration.name.getText(file));
      if (
        (ts.isCallExpression(call) || ts.isNewExpression(call)) &&
        (call.arguments ?? []).every(isInert)
      ) {
        edits.push({ at: call.getStart(file), text: '/* @__PURE__ */ ' });
      } else {
        edits.push({ at: init.getStart(file), text: '/* @__PURE__ */ (() => (' });
        edits.push({ at: init.getEnd(), text: '))()' });
      }
    }
  }
  let code = source;
  for (const { at, text } of edits.sort((a, b) => b.at - a.at)) {
    code = `${code.slice(0, at)}${text}${code.slice(at)}`;
  }
  return { code, marked };
}

/** The esbuild plugin that applies {@link pureTopLevelCalls} to the package's sources. */
export function pureAnnotations(log?: (file: string, names: string[]) => void): Plugin {
  return {
    name: 'pure-top-level-calls',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const { code, marked } = pureTopLevelCalls(source, args.path);
        if (log && marked.length > 0) log(args.path, marked);
        return { contents: code, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
}
