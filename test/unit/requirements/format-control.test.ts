import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeName } from '../../../src/pep/names.js';
import { FormatControl } from '../../../src/requirements/format-control.js';

type Step = ['no' | 'only', string];
function build(steps: Step[]): FormatControl {
  const control = new FormatControl();
  for (const [option, value] of steps) {
    if (option === 'no') control.addNoBinary(value);
    else control.addOnlyBinary(value);
  }
  return control;
}

// Sets as pip 23.2.1's FormatControl.handle_mutual_excludes leaves them.
describe('FormatControl follows pip handle_mutual_excludes', () => {
  const cases: [string, Step[], { noBinary: string[]; onlyBinary: string[] }][] = [
    ['names are normalized', [['no', 'Foo_Bar,baz.qux']], { noBinary: ['baz-qux', 'foo-bar'], onlyBinary: [] }],
    [':all: ignores the rest of its list', [['no', ':all:,foo']], { noBinary: [':all:'], onlyBinary: [] }],
    [':all: clears the other set', [['only', 'a'], ['no', ':all:']], { noBinary: [':all:'], onlyBinary: [] }],
    [':none: empties the target set', [['no', 'a,b'], ['no', ':none:']], { noBinary: [], onlyBinary: [] }],
    [':all: then :none: then names', [['no', ':all:,:none:,a']], { noBinary: ['a'], onlyBinary: [] }],
    ['a name moves from the other set', [['no', 'a'], ['only', 'A']], { noBinary: [], onlyBinary: ['a'] }],
    ['a named project next to :all: in the other set', [['only', ':all:'], ['no', 'a']], { noBinary: ['a'], onlyBinary: [':all:'] }],
    ['empty items are ignored', [['only', 'a,,']], { noBinary: [], onlyBinary: ['a'] }],
  ];
  for (const [name, steps, expected] of cases) it(name, () => assert.deepEqual(build(steps).toJSON(), expected));
});

describe('FormatControl.allows follows pip get_allowed_formats', () => {
  const cases: [string, Step[], string, { wheel: boolean; sdist: boolean }][] = [
    ['nothing set allows both', [], 'a', { wheel: true, sdist: true }],
    ['--only-binary :all: forbids sdists', [['only', ':all:']], 'a', { wheel: true, sdist: false }],
    ['--no-binary :all: forbids wheels', [['no', ':all:']], 'a', { wheel: false, sdist: true }],
    ['a project in --no-binary beats --only-binary :all:', [['only', ':all:'], ['no', 'a']], 'A', { wheel: false, sdist: true }],
    ['another project still follows :all:', [['only', ':all:'], ['no', 'a']], 'b', { wheel: true, sdist: false }],
    ['a project in --only-binary beats --no-binary :all:', [['no', ':all:'], ['only', 'a']], 'a', { wheel: true, sdist: false }],
  ];
  for (const [name, steps, project, expected] of cases) {
    it(name, () => {
      const control = build(steps);
      const projectName = normalizeName(project);
      assert.deepEqual({ wheel: control.allows(projectName, 'wheel'), sdist: control.allows(projectName, 'sdist') }, expected);
    });
  }

  it('clone is independent of the original', () => {
    const original = build([['no', 'a']]);
    const copy = original.clone();
    copy.addOnlyBinary('a');
    assert.deepEqual(original.toJSON(), { noBinary: ['a'], onlyBinary: [] });
  });
});
