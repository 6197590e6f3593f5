// action.yml keeps every input out of its scripts: an input reaches a step only as an `env:` value
// that is exactly `${{ inputs.NAME }}` (or a `with:` value for an action it calls), never inside a
// `run:` script, where GitHub would paste it into the shell's text (script injection). Also: every
// input is used, every variable the run script reads is set, third-party actions are pinned to a
// commit. The file is read with a small reader of a YAML subset, itself checked here (and against
// PyYAML when python3 has it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actionYmlPath, readAction, readYamlSubset, type YamlNode } from '../../helpers/action-yml.js';
import { projectRoot } from '../../helpers/paths.js';
import { python3 } from '../../helpers/python.js';

const text = readFileSync(actionYmlPath, 'utf8');
const action = readAction(text);

describe('the YAML subset reader', () => {
  const cases: { name: string; yaml: string; expect: YamlNode }[] = [
    { name: 'nested mappings', yaml: 'a:\n  b: x\n  c:\n    d: "y"\n', expect: { a: { b: 'x', c: { d: 'y' } } } },
    { name: 'a sequence of mappings', yaml: "s:\n  - n: '1'\n    m: two\n  - n: '3'\n", expect: { s: [{ n: '1', m: 'two' }, { n: '3' }] } },
    { name: 'quotes and comments', yaml: "a: 'it''s # not a comment' # a comment\nb: \"q: \\\"x\\\"\"\nc: plain # gone\n", expect: { a: "it's # not a comment", b: 'q: "x"', c: 'plain' } },
    { name: 'an empty value', yaml: "a:\nb: ''\n", expect: { a: '', b: '' } },
  ];
  for (const { name, yaml, expect } of cases) {
    test(name, () => assert.deepEqual(readYamlSubset(yaml), expect));
  }

  const refused: { name: string; yaml: string }[] = [
    { name: 'a block scalar', yaml: 'run: |\n  echo hi\n' },
    { name: 'a folded scalar', yaml: 'run: >\n  echo hi\n' },
    { name: 'a flow mapping', yaml: 'with: { a: b }\n' },
    { name: 'a flow sequence', yaml: 'a: [x]\n' },
    { name: 'an anchor', yaml: 'a: &x y\n' },
    { name: 'an alias', yaml: 'a: *x\n' },
    { name: 'a tag', yaml: 'a: !!str y\n' },
    { name: "a plain scalar with ': '", yaml: 'a: b: c\n' },
    { name: 'a duplicate key', yaml: 'a: x\na: y\n' },
    { name: 'a tab', yaml: 'a:\n\tb: 1\n' },
    { name: 'stray indentation', yaml: "a: '1'\n  b: '2'\n" },
    { name: 'an unquoted boolean', yaml: 'required: false\n' },
    { name: 'an unquoted number', yaml: 'node-version: 24\n' },
  ];
  for (const { name, yaml } of refused) {
    test(`refuses ${name}`, () => assert.throws(() => readYamlSubset(yaml), /action\.yml/));
  }

  test('reads action.yml as PyYAML does', (t) => {
    const probe = spawnSync(python3, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, encoding: 'utf8' });
    if (probe.status !== 0) {
      t.skip(`python3 has no yaml module (${probe.stderr.trim().split('\n').pop() ?? ''})`);
      return;
    }
    assert.deepEqual(readYamlSubset(text), JSON.parse(probe.stdout));
  });
});

interface Scalar {
  path: string;
  value: string;
}

function scalars(node: YamlNode, path: string): Scalar[] {
  if (typeof node === 'string') return [{ path, value: node }];
  if (Array.isArray(node)) return node.flatMap((item, i) => scalars(item, `${path}[${i}]`));
  return Object.entries(node).flatMap(([key, value]) => scalars(value, path === '' ? key : `${path}.${key}`));
}

describe('action.yml', () => {
  const all = scalars(readYamlSubset(text), '');

  test('expressions appear only as env or with values, never in a run script', () => {
    const withExpression = all.filter((s) => s.value.includes('${{'));
    assert.ok(withExpression.length > 0, 'the check looked at no expression');
    for (const { path, value } of withExpression) {
      assert.match(path, /^runs\.steps\[\d+\]\.(env|with)\.[A-Za-z_-]+$/, `${path} holds ${value}`);
      // The whole value, so nothing is spliced around an input.
      assert.match(value, /^\$\{\{ inputs\.[a-z-]+ \}\}$/, `${path} holds ${value}`);
    }
    const runs = action.steps.filter((step) => step.run !== undefined);
    assert.ok(runs.length >= 2, 'the install and run steps');
    for (const step of runs) assert.doesNotMatch(step.run!, /\$\{\{/, `step "${step.name}" has an expression in its script`);
  });

  test('every input is passed on, and only declared inputs are', () => {
    const used = new Set(all.flatMap((s) => [...s.value.matchAll(/\$\{\{ inputs\.([a-z-]+) \}\}/g)].map((m) => m[1]!)));
    assert.deepEqual([...used].sort(), Object.keys(action.inputs).sort());
    for (const [name, input] of Object.entries(action.inputs)) assert.ok(input.description.length > 0, `${name} has no description`);
  });

  test('the run script reads exactly the variables its step sets', () => {
    const runStep = action.steps.find((step) => step.run?.includes('action/run.mjs'));
    assert.ok(runStep?.env, 'the run step and its env');
    const script = readFileSync(join(projectRoot, 'action', 'run.mjs'), 'utf8');
    const read = new Set([...script.matchAll(/\benv\.(PH_[A-Z_]+)/g)].map((m) => m[1]!));
    assert.deepEqual([...read].sort(), Object.keys(runStep.env).sort());
  });

  test('actions it calls are pinned to a commit', () => {
    const uses = action.steps.flatMap((step) => (step.uses ? [step.uses] : []));
    assert.ok(uses.length > 0);
    for (const use of uses) assert.match(use, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, use);
  });
});
