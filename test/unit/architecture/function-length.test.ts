// No function of src/ runs over ~80 lines, except the resolver's step-for-step port of
// resolvelib (engine.ts `resolve`), which mirrors the original's shape on purpose so that the two
// can be read side by side. A long function is where unwritten rules hide; split it by what its
// parts do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../helpers/paths.js';

const MAX_BODY_LINES = 80;
const PORTED = new Set(['src/resolver/engine.ts resolve']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

type FunctionLike = ts.FunctionLikeDeclaration & { body?: ts.Node };

function longFunctions(file: string): { where: string; lines: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as FunctionLike).body) {
      const body = (node as FunctionLike).body!;
      const lines = source.getLineAndCharacterOfPosition(body.getEnd()).line - source.getLineAndCharacterOfPosition(body.getStart()).line + 1;
      const name = (node as FunctionLike).name?.getText(source) ?? '(anonymous)';
      const where = `${relative(projectRoot, file)} ${name}`;
      if (lines > MAX_BODY_LINES && !PORTED.has(where)) found.push({ where: `${where} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function in src/ is longer than ${MAX_BODY_LINES} lines (the resolvelib port excepted)`, () => {
  const long = sourceFiles(join(projectRoot, 'src')).flatMap(longFunctions);
  assert.deepEqual(long.map((f) => `${f.where}: ${f.lines} lines`), []);
});

test('the length check sees functions (it would catch a long one)', () => {
  const engine = join(projectRoot, 'src', 'resolver', 'engine.ts');
  const source = ts.createSourceFile(engine, readFileSync(engine, 'utf8'), ts.ScriptTarget.Latest, true);
  let longest = 0;
  const visit = (node: ts.Node): void => {
    const body = ts.isFunctionLike(node) ? (node as FunctionLike).body : undefined;
    if (body) longest = Math.max(longest, source.getLineAndCharacterOfPosition(body.getEnd()).line - source.getLineAndCharacterOfPosition(body.getStart()).line + 1);
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.ok(longest > MAX_BODY_LINES, 'the ported resolve() is long, and must be measured as such');
});
