// The layers stay layers: no import cycle between the folders of src/ (a top-level file such as
// errors.ts counts as a folder of its own). ARCHITECTURE.md describes the intended order; this
// test keeps any order from being violated by a cycle, whatever the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { projectRoot } from '../../helpers/paths.js';

const srcRoot = join(projectRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

/** The folder (or top-level file) of src/ a path belongs to. */
function unitOf(path: string): string {
  const [first = '', ...rest] = relative(srcRoot, path).split(sep);
  return rest.length > 0 ? first : first.replace(/\.[jt]s$/, '');
}

/** Folder -> folders it imports from, with one example import each (for the message). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(srcRoot)) {
    const from = unitOf(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/gm)) {
      const to = unitOf(normalize(join(dirname(file), match[1]!)));
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(projectRoot, file)} imports ${match[1]}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** A cycle as a list of folders, or undefined (depth-first search with colours). */
function findCycle(graph: Map<string, Map<string, string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    if (state.get(node) === undefined) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

test('no import cycle between the folders of src/', () => {
  const graph = folderGraph();
  assert.ok(graph.size > 5, 'the graph was read');
  const cycle = findCycle(graph);
  const why = cycle?.slice(1).map((to, i) => graph.get(cycle[i]!)?.get(to)).join('\n  ');
  assert.equal(cycle, undefined, `import cycle ${cycle?.join(' -> ')}:\n  ${why}`);
});

test('the cycle finder finds a planted cycle', () => {
  const graph = new Map([
    ['a', new Map([['b', 'x']])],
    ['b', new Map([['c', 'x']])],
    ['c', new Map([['a', 'x']])],
  ]);
  assert.deepEqual(findCycle(graph), ['a', 'b', 'c', 'a']);
});
