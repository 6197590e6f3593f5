// pyproject.toml and setup.cfg inputs (src/inputs/): what each file and selection locks, and the
// error for each way a file or a selection can be wrong. Table-driven: each row is a folder of
// files, the inputs and flags, and either the requirements read (as `text @file:line`, markers
// included) or the error's message.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PinHashesError } from '../../../src/errors.js';
import { inputKind, readInputs, type ProjectSelection } from '../../../src/inputs/index.js';
import { formatRequirement } from '../../../src/pep/requirement.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pin-hashes-inputs-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(root, 'p-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

interface Row {
  readonly name: string;
  readonly files: Record<string, string | Uint8Array>;
  readonly inputs?: string[];
  readonly select?: Partial<ProjectSelection>;
  /** `requirement @file:line`, in order. */
  readonly reads?: string[];
  readonly error?: RegExp;
}

async function run(row: Row) {
  const cwd = await folder(row.files);
  const selection = { extras: [], allExtras: false, groups: [], ...row.select };
  return readInputs(row.inputs ?? ['pyproject.toml'], { cwd, env: {}, selection });
}

function check(rows: readonly Row[]): void {
  for (const row of rows) {
    it(row.name, async () => {
      if (row.error !== undefined) {
        await assert.rejects(run(row), (error: unknown) => {
          assert.ok(error instanceof PinHashesError, String(error));
          assert.equal(error.exitCode, 2);
          assert.match(error.message, row.error as RegExp);
          return true;
        });
        return;
      }
      const input = await run(row);
      assert.deepEqual(
        input.requirements.map((r) => `${formatRequirement(r.requirement)} @${r.location.file}:${r.location.line}`),
        row.reads,
      );
    });
  }
}

const PROJECT = `[project]
name = "My_Proj"
version = "1.2"
dependencies = [
  "requests>=2",
  'click; python_version >= "3.8"',
]

[project.optional-dependencies]
Docs = ["sphinx>=7"]
test = ["pytest", "coverage[toml]"]
all = ["my-proj[docs,test]"]

[dependency-groups]
Lint = ["ruff"]
dev = [{include-group = "lint"}, "ipython", {include-group = "typing"}]
typing = ["mypy"]
`;

describe('pyproject.toml: what a selection locks', () => {
  check([
    { name: '[project].dependencies alone, each at its line', files: { 'pyproject.toml': PROJECT }, reads: ['requests>=2 @pyproject.toml:5', 'click; python_version >= "3.8" @pyproject.toml:6'] },
    {
      name: '--extra, by normalized name (Docs is docs)',
      files: { 'pyproject.toml': PROJECT },
      select: { extras: ['DOCS'] },
      reads: ['requests>=2 @pyproject.toml:5', 'click; python_version >= "3.8" @pyproject.toml:6', 'sphinx>=7 @pyproject.toml:10'],
    },
    {
      name: 'a self-reference expands to the project\'s own extras, never to the project itself',
      files: { 'pyproject.toml': PROJECT },
      select: { extras: ['all'] },
      reads: ['requests>=2 @pyproject.toml:5', 'click; python_version >= "3.8" @pyproject.toml:6', 'sphinx>=7 @pyproject.toml:10', 'pytest @pyproject.toml:11', 'coverage[toml] @pyproject.toml:11'],
    },
    {
      name: '--all-extras: every extra, each requirement once',
      files: { 'pyproject.toml': PROJECT },
      select: { allExtras: true },
      reads: ['requests>=2 @pyproject.toml:5', 'click; python_version >= "3.8" @pyproject.toml:6', 'sphinx>=7 @pyproject.toml:10', 'pytest @pyproject.toml:11', 'coverage[toml] @pyproject.toml:11'],
    },
    {
      name: 'a self-reference keeps its marker on what it brings in',
      files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\nwin = ["p[a] ; sys_platform == \'win32\'"]\na = ["x", "y; python_version < \'3.9\'"]\n' },
      select: { extras: ['win'] },
      reads: ['x; sys_platform == "win32" @pyproject.toml:5', 'y; sys_platform == "win32" and python_version < "3.9" @pyproject.toml:5'],
    },
    {
      name: 'extras that name each other (pip allows it) expand once',
      files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\na = ["x", "p[b]"]\nb = ["y", "p[a]"]\n' },
      select: { extras: ['a'] },
      reads: ['x @pyproject.toml:4', 'y @pyproject.toml:5'],
    },
    {
      name: 'a self-reference with a specifier the static version meets',
      files: { 'pyproject.toml': '[project]\nname = "p"\nversion = "2.0"\n[project.optional-dependencies]\na = ["x"]\nb = ["p[a]>=1"]\n' },
      select: { extras: ['b'] },
      reads: ['x @pyproject.toml:5'],
    },
    {
      name: 'PEP 735: includes in place, recursively, by normalized name; no deduplication',
      files: { 'pyproject.toml': PROJECT },
      select: { groups: ['Dev'] },
      reads: ['requests>=2 @pyproject.toml:5', 'click; python_version >= "3.8" @pyproject.toml:6', 'ruff @pyproject.toml:15', 'ipython @pyproject.toml:16', 'mypy @pyproject.toml:17'],
    },
    {
      name: 'a group with no [project]: only the group',
      files: { 'pyproject.toml': '[dependency-groups]\ntest = ["pytest>7", {include-group = "cov"}]\ncov = ["coverage", "pytest"]\n' },
      select: { groups: ['test'] },
      reads: ['pytest>7 @pyproject.toml:2', 'coverage @pyproject.toml:3', 'pytest @pyproject.toml:3'],
    },
    {
      name: 'a group that names the project\'s extra expands it (uv #15779 looks it up on the index)',
      files: { 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["base"]\n[project.optional-dependencies]\nfoo = ["foo>=1"]\n[dependency-groups]\nfoo = ["p[foo]"]\n' },
      select: { groups: ['foo'] },
      reads: ['base @pyproject.toml:3', 'foo>=1 @pyproject.toml:5'],
    },
    {
      name: 'groups it does not use are not checked',
      files: { 'pyproject.toml': '[project]\nname = "p"\n[dependency-groups]\nok = ["x"]\nbroken = [{include-group = "nowhere"}, 3]\n' },
      select: { groups: ['ok'] },
      reads: ['x @pyproject.toml:4'],
    },
    {
      name: 'optional-dependencies in [project].dynamic is fine when no extra is chosen',
      files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = ["optional-dependencies", "version"]\ndependencies = ["x"]\n' },
      reads: ['x @pyproject.toml:4'],
    },
    {
      name: 'with a requirements file: both, the project first',
      files: { 'sub/pyproject.toml': '[project]\nname = "p"\ndependencies = ["x"]\n', 'dev.in': 'y\n' },
      inputs: ['dev.in', 'sub/pyproject.toml'],
      reads: ['x @sub/pyproject.toml:3', 'y @dev.in:1'],
    },
    { name: 'a UTF-8 byte order mark is skipped', files: { 'pyproject.toml': '\ufeff[project]\nname = "p"\ndependencies = ["x"]\n' }, reads: ['x @pyproject.toml:3'] },
  ]);
});

describe('pyproject.toml: errors name the file and the key', () => {
  check([
    { name: 'an extra it does not define', files: { 'pyproject.toml': PROJECT }, select: { extras: ['doc'] }, error: /^pyproject\.toml: \[project\.optional-dependencies\] has no extra "doc" \(it defines "Docs", "test", "all"\)$/ },
    { name: 'a group it does not define', files: { 'pyproject.toml': PROJECT }, select: { groups: ['docs'] }, error: /^pyproject\.toml: \[dependency-groups\] has no group "docs" \(it defines "Lint", "dev", "typing"\)$/ },
    { name: '--extra with only requirements files', files: { 'r.in': 'x\n' }, inputs: ['r.in'], select: { extras: ['docs'] }, error: /^--extra docs chooses from a pyproject\.toml or setup\.cfg input, and no input is one$/ },
    { name: '--group with only requirements files', files: { 'r.in': 'x\n' }, inputs: ['r.in'], select: { groups: ['dev'] }, error: /^--group dev chooses from/ },
    {
      name: 'dependencies listed in [project].dynamic',
      files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = ["version",\n  "dependencies"]\n' },
      error: /^pyproject\.toml:4: \[project\]\.dynamic lists "dependencies": a build backend computes them, and pin-hashes does not run build backends$/,
    },
    { name: 'an extra chosen while optional-dependencies is dynamic', files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = ["optional-dependencies"]\n' }, select: { extras: ['x'] }, error: /^pyproject\.toml: \[project\]\.dynamic lists "optional-dependencies"/ },
    { name: '--all-extras while optional-dependencies is dynamic', files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = ["optional-dependencies"]\n' }, select: { allExtras: true }, error: /^pyproject\.toml: \[project\]\.dynamic lists "optional-dependencies"/ },
    { name: 'neither [project] nor groups', files: { 'pyproject.toml': '[build-system]\nrequires = ["setuptools"]\n[tool.poetry]\nname = "p"\n' }, error: /^pyproject\.toml: has neither a \[project\] table nor \[dependency-groups\]: nothing to lock$/ },
    { name: 'only groups, none chosen', files: { 'pyproject.toml': '[dependency-groups]\ndev = ["x"]\n' }, error: /^pyproject\.toml: has no \[project\] table, so there is nothing to lock but its \[dependency-groups\]$/ },
    { name: 'an include cycle, named', files: { 'pyproject.toml': '[dependency-groups]\na = [{include-group = "B"}]\nb = ["x", {include-group = "c"}]\nc = [{include-group = "a"}]\n' }, select: { groups: ['a'] }, error: /^pyproject\.toml:4: \[dependency-groups\] include cycle: a -> b -> c -> a$/ },
    { name: 'a group that includes itself', files: { 'pyproject.toml': '[dependency-groups]\na = [{include-group = "a"}]\n' }, select: { groups: ['a'] }, error: /include cycle: a -> a$/ },
    { name: 'an include of an unknown group', files: { 'pyproject.toml': '[dependency-groups]\na = [{include-group = "nope"}]\n' }, select: { groups: ['a'] }, error: /^pyproject\.toml:2: \[dependency-groups\] a includes the group "nope", which \[dependency-groups\] does not define \(it defines "a"\)$/ },
    { name: 'an include table with another key', files: { 'pyproject.toml': '[dependency-groups]\na = [{include-group = "b", extra = 1}]\nb = []\n' }, select: { groups: ['a'] }, error: /^pyproject\.toml:2: \[dependency-groups\] a: item 1 is neither a requirement string nor \{include-group = "NAME"\}$/ },
    { name: 'two groups equal once normalized', files: { 'pyproject.toml': '[dependency-groups]\nTest_X = ["a"]\n"test.x" = ["b"]\n' }, select: { groups: ['test-x'] }, error: /defines the group "test-x" twice \(as "Test_X", "test\.x"\)/ },
    { name: 'two extras equal once normalized', files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\nA_B = ["a"]\n"a-b" = ["b"]\n' }, error: /defines the extra "a-b" twice/ },
    { name: 'a requirement that is not PEP 508, at its line', files: { 'pyproject.toml': '[project]\nname = "p"\ndependencies = [\n  "ok",\n  "bad >>= 1",\n]\n' }, error: /^pyproject\.toml:5: \[project\]\.dependencies: `bad >>= 1` is not a valid requirement/ },
    { name: 'a self-reference to an extra it does not define', files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\nall = ["P[nope]"]\n' }, select: { extras: ['all'] }, error: /^pyproject\.toml:4: `P\[nope\]` names the extra "nope" of p itself, which \[project\.optional-dependencies\] does not define \(it defines "all"\)$/ },
    { name: 'a self-reference by URL', files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\nall = ["p[a] @ file:///x"]\na = []\n' }, select: { extras: ['all'] }, error: /refers to p itself by URL/ },
    { name: 'a self-reference whose specifier the version misses', files: { 'pyproject.toml': '[project]\nname = "p"\nversion = "1.0"\n[project.optional-dependencies]\nall = ["p[a]>=2"]\na = []\n' }, select: { extras: ['all'] }, error: /with a version specifier, but its version is 1\.0$/ },
    { name: 'a self-reference with a specifier and a dynamic version', files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = ["version"]\n[project.optional-dependencies]\nall = ["p[a]>=2"]\na = []\n' }, select: { extras: ['all'] }, error: /but its version is not static$/ },
  ]);
});

describe('pyproject.toml: hostile or malformed files are exit-2 messages', () => {
  check([
    { name: 'not TOML, with its line', files: { 'pyproject.toml': '[project]\nname = "p"\ndependencies = [\n' }, error: /^pyproject\.toml:\d+: not valid TOML: / },
    { name: 'nested past the limit', files: { 'pyproject.toml': `x = ${'['.repeat(100_000)}` }, error: /^pyproject\.toml:1: not valid TOML: document contains excessively nested structures/ },
    { name: 'not UTF-8', files: { 'pyproject.toml': Uint8Array.from([0x5b, 0xff, 0x5d]) }, error: /^pyproject\.toml: is not valid UTF-8 text$/ },
    { name: '[project] an array of tables', files: { 'pyproject.toml': '[[project]]\nname = "p"\n' }, error: /^pyproject\.toml: \[project\] is an array, not a table$/ },
    { name: '[project] without a name', files: { 'pyproject.toml': '[project]\nversion = "1"\n' }, error: /^pyproject\.toml:1: \[project\] has no name$/ },
    { name: 'dependencies a string', files: { 'pyproject.toml': '[project]\nname = "p"\ndependencies = "requests"\n' }, error: /^pyproject\.toml:3: \[project\]\.dependencies is a string, not an array of strings$/ },
    { name: 'a dependency a table', files: { 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["a", {x = 1}]\n' }, error: /\[project\]\.dependencies: item 2 is a table, not a string/ },
    { name: 'dynamic a number', files: { 'pyproject.toml': '[project]\nname = "p"\ndynamic = 3\n' }, error: /\[project\]\.dynamic is a number, not an array of strings/ },
    { name: 'optional-dependencies an array', files: { 'pyproject.toml': '[project]\nname = "p"\noptional-dependencies = ["x"]\n' }, error: /^pyproject\.toml:3: \[project\.optional-dependencies\] is an array, not a table$/ },
    { name: 'an extra a date', files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\nx = 1979-05-27\n' }, error: /\[project\.optional-dependencies\] x is a date, not an array of strings/ },
    { name: '[dependency-groups] a string', files: { 'pyproject.toml': 'dependency-groups = "x"\n' }, error: /\[dependency-groups\] is a string, not a table/ },
    { name: 'a group a table, when used', files: { 'pyproject.toml': '[dependency-groups]\nok = []\ndev = {x = 1}\n' }, select: { groups: ['dev'] }, error: /^pyproject\.toml:3: \[dependency-groups\] dev is a table, not an array$/ },
    { name: 'a group a table, when not used', files: { 'pyproject.toml': '[dependency-groups]\nok = ["y"]\ndev = {x = 1}\n' }, select: { groups: ['ok'] }, reads: ['y @pyproject.toml:2'] },
    { name: 'a missing file', files: {}, error: /^pyproject\.toml: could not open pyproject\.toml: no such file\.$/ },
    { name: 'a directory', files: { 'pyproject.toml/x': '' }, error: /^pyproject\.toml: could not open pyproject\.toml: it is a directory\.$/ },
    {
      // Found by a review: each group including the next twice doubled the list (a stack overflow at 10 levels).
      name: 'include-groups that double at each level: refused, not expanded',
      files: {
        'pyproject.toml': ['[dependency-groups]', ...Array.from({ length: 16 }, (_, i) => `g${i} = [{include-group = "g${i + 1}"}, {include-group = "g${i + 1}"}]`), 'g16 = ["x"]', ''].join('\n'),
      },
      select: { groups: ['g0'] },
      error: /^pyproject\.toml: its include-groups and references to its own extras expand to more than 10000 requirements$/,
    },
    {
      // The same through self-references: extras naming all the later ones are 2^n paths.
      name: 'self-references that multiply: refused, not expanded',
      files: {
        'pyproject.toml': ['[project]', 'name = "p"', '[project.optional-dependencies]', ...Array.from({ length: 22 }, (_, i) => `e${i} = ["x${i}", "p[${Array.from({ length: 21 - i }, (_, j) => `e${i + j + 1}`).join(',')}]"]`), ''].join('\n').replace('"p[]"', '"x"'),
      },
      select: { extras: ['e0'] },
      error: /expand to more than 10000 requirements/,
    },
    {
      name: 'a group included by many others is expanded once, and its items kept each time (PEP 735 does not deduplicate)',
      files: { 'pyproject.toml': '[dependency-groups]\nbase = ["x"]\na = [{include-group = "base"}]\nb = [{include-group = "base"}, {include-group = "a"}]\n' },
      select: { groups: ['b'] },
      reads: ['x @pyproject.toml:2'],
    },
    { name: 'a self-reference among the dependencies is never looked up on an index', files: { 'pyproject.toml': '[project]\nname = "me"\nversion = "1.0"\ndependencies = ["me", "x", "me[c]"]\n[project.optional-dependencies]\nc = ["y"]\n' }, reads: ['x @pyproject.toml:4', 'y @pyproject.toml:6'] },
    {
      name: 'extras that all name each other: refused within the budget, not expanded factorially',
      files: { 'pyproject.toml': ['[project]', 'name = "me"', 'version = "1.0"', '[project.optional-dependencies]', ...Array.from({ length: 10 }, (_, i) => `e${i} = ["me[${Array.from({ length: 10 }, (_, j) => `e${j}`).join(',')}]", "dep${i}"]`), ''].join('\n') },
      select: { extras: ['e0'] },
      error: /expand to more than 10000 requirements/,
    },
    {
      name: 'an include-group chain 100 deep: refused, not recursed into',
      files: { 'pyproject.toml': ['[dependency-groups]', ...Array.from({ length: 100 }, (_, i) => `g${i} = [{include-group = "g${i + 1}"}, "d${i}"]`), 'g100 = ["x"]', ''].join('\n') },
      select: { groups: ['g0'] },
      error: /include-group chains more than 64 deep/,
    },
    {
      name: 'a self-reference to extras of a project whose extras are dynamic: refused like --extra',
      files: { 'pyproject.toml': '[project]\nname = "me"\ndynamic = ["optional-dependencies"]\ndependencies = ["me[a]"]\n[project.optional-dependencies]\na = ["foo"]\n' },
      error: /`me\[a\]` names extras of me itself, but/,
    },
    {
      name: 'the list of defined extras in a message is capped',
      files: { 'pyproject.toml': ['[project]', 'name = "p"', '[project.optional-dependencies]', ...Array.from({ length: 500 }, (_, i) => `e${i} = ["x"]`), ''].join('\n') },
      select: { extras: ['nope'] },
      error: /\(it defines "e0", .*"e19" and 480 more\)$/,
    },
    { name: 'a prototype key is an extra name like any other', files: { 'pyproject.toml': '[project]\nname = "p"\n[project.optional-dependencies]\n__proto__ = ["x"]\n' }, select: { extras: ['__proto__'] }, reads: ['x @pyproject.toml:4'] },
  ]);

  it('a file of 200,000 extras, none found by search, is read in bounded time', async () => {
    // Escaped strings are never found by the line search; its budget keeps this linear.
    const lines = ['[project]', 'name = "p"', '[project.optional-dependencies]'];
    for (let i = 0; i < 200_000; i++) lines.push(`e${i} = ["\\u0061${i}"]`);
    const started = Date.now();
    const input = await run({ name: 'big', files: { 'pyproject.toml': lines.join('\n') }, select: { allExtras: true } });
    assert.equal(input.requirements.length, 200_000);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
  });
});

describe('setup.cfg', () => {
  const CFG = `[metadata]
name = my.pkg
version = 3.0

[options]
install_requires =
    requests>=2
    # a comment inside the value
; and another kind
    click; python_version >= "3.8"

    attrs

[options.extras_require]
Docs = sphinx; furo
all =
    my-pkg[docs]
`;
  check([
    { name: 'install_requires, one a line, markers kept, comments and blank lines dropped', files: { 'setup.cfg': CFG }, inputs: ['setup.cfg'], reads: ['requests>=2 @setup.cfg:7', 'click; python_version >= "3.8" @setup.cfg:10', 'attrs @setup.cfg:12'] },
    {
      name: 'a one-line value is split at ";" (setuptools), and self-references expand',
      files: { 'setup.cfg': CFG },
      inputs: ['setup.cfg'],
      select: { extras: ['all'] },
      reads: ['requests>=2 @setup.cfg:7', 'click; python_version >= "3.8" @setup.cfg:10', 'attrs @setup.cfg:12', 'sphinx @setup.cfg:15', 'furo @setup.cfg:15'],
    },
    { name: 'install-requires with a dash, %% as %', files: { 'setup.cfg': '[options]\ninstall-requires = x @ https://h.example/a%%20b.whl\n' }, inputs: ['setup.cfg'], reads: ['x @ https://h.example/a%20b.whl @setup.cfg:2'] },
    { name: 'no install_requires: nothing from it', files: { 'setup.cfg': '[options]\npackages = find:\n' }, inputs: ['setup.cfg'], reads: [] },
    { name: 'no [options]', files: { 'setup.cfg': '[metadata]\nname = p\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg: has no \[options\] section, so its dependencies are not static \(setup\.py sets them\)$/ },
    { name: 'a file: directive', files: { 'setup.cfg': '[options]\ninstall_requires = file: requirements.txt\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:2: \[options\] install_requires uses a `file:` directive, so it is not static$/ },
    { name: 'an attr: directive in an extra', files: { 'setup.cfg': '[options]\n[options.extras_require]\nx = attr: pkg.EXTRA\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:3: \[options\.extras_require\] x uses a `attr:` directive/ },
    { name: 'an unknown extra', files: { 'setup.cfg': CFG }, inputs: ['setup.cfg'], select: { extras: ['test'] }, error: /^setup\.cfg: \[options\.extras_require\] has no extra "test" \(it defines "Docs", "all"\)$/ },
    { name: 'a group (setup.cfg has none)', files: { 'setup.cfg': CFG }, inputs: ['setup.cfg'], select: { groups: ['dev'] }, error: /^setup\.cfg: \[dependency-groups\] has no group "dev" \(it defines none\)$/ },
    { name: '% interpolation', files: { 'setup.cfg': '[options]\ninstall_requires = x%(y)s\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:2: install_requires: `x%\(y\)s` uses % interpolation/ },
    { name: 'a line before any section', files: { 'setup.cfg': 'name = p\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:1: cannot be read as setup\.cfg \(INI\): text before the first \[section\] header$/ },
    { name: 'a duplicate key', files: { 'setup.cfg': '[options]\ninstall_requires = a\ninstall_requires = b\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:3: .*\[options\] sets install_requires twice$/ },
    { name: 'a marker split off a one-line value is not a requirement', files: { 'setup.cfg': '[options]\ninstall_requires = x; python_version < "3.8"\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:2: \[options\] install_requires: `python_version < "3\.8"` is not a valid requirement/ },
    // Attacker cases (a review of the new inputs), as configparser and setuptools read them.
    { name: 'a comment after a section header (configparser matches the header at the start)', files: { 'setup.cfg': '[options] # deps\ninstall_requires = foo\n' }, inputs: ['setup.cfg'], reads: ['foo @setup.cfg:2'] },
    { name: '[DEFAULT], whose keys configparser gives every section: refused', files: { 'setup.cfg': '[metadata]\nname = me\n[DEFAULT]\ninstall_requires = evil\n[options]\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:3: cannot be read as setup\.cfg \(INI\): a \[DEFAULT\] section/ },
    { name: 'install_requires and install-requires both: refused (setuptools silently takes one)', files: { 'setup.cfg': '[options]\ninstall_requires = foo\ninstall-requires = bar\n' }, inputs: ['setup.cfg'], error: /^setup\.cfg:3: \[options\] sets both install_requires and install-requires$/ },
  ]);

  it('a 240 KB line of spaces without a delimiter is refused in linear time', async () => {
    const started = Date.now();
    await assert.rejects(run({ name: 'long', files: { 'setup.cfg': `[options]\n${' '.repeat(240_000)}x\n` }, inputs: ['setup.cfg'] }), /neither a \[section\], a key = value/);
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms (was 19 s)`);
  });
});

describe('which kind of file', () => {
  it('is told by the file name; anything else is a requirements file', () => {
    assert.deepEqual(
      ['pyproject.toml', 'a/b/pyproject.toml', 'setup.cfg', 'x/setup.cfg', 'requirements.in', 'pyproject.toml.in', 'my-pyproject.toml', 'setup.cfg.txt'].map(inputKind),
      ['pyproject', 'pyproject', 'setup-cfg', 'setup-cfg', 'requirements', 'requirements', 'requirements', 'requirements'],
    );
  });

  it('counts the project file among the files read (the recall fingerprint digests them)', async () => {
    const cwd = await folder({ 'pyproject.toml': '[project]\nname = "p"\ndependencies = ["x"]\n', 'r.in': 'y\n' });
    const input = await readInputs(['r.in', join(cwd, 'pyproject.toml')], { cwd, env: {} });
    assert.deepEqual(input.files, ['pyproject.toml', 'r.in']);
    assert.deepEqual(input.requirements.map((r) => r.project), ['p', undefined]);
  });
});
