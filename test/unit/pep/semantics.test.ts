// The PEP 440/508 rules of PROTOCOLS §5 that the conformance vectors do not spell out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../src/errors.js';
import {
  Marker,
  SpecifierSet,
  Version,
  compareVersions,
  formatRequirement,
  makeTarget,
  parsePythonPlatform,
  parseRequirement,
} from '../../../src/pep/index.js';

test('20-digit release numbers compare exactly', () => {
  const a = Version.parse('1.12345678901234567890');
  const b = Version.parse('1.12345678901234567891');
  assert.equal(a.compare(b), -1);
  assert.equal(Version.parse('1.000012345678901234567890').toString(), '1.12345678901234567890');
  assert.ok(Version.parse('99999999999999999999999').compare(Version.parse('99999999999999999999998')) > 0);
  assert.ok(SpecifierSet.parse('>1.12345678901234567890').contains(b));
  assert.ok(!SpecifierSet.parse('>1.12345678901234567890').contains(a));
});

test('the checked ordering chain of PROTOCOLS §5.1 holds', () => {
  const chain = ['1.0.dev1', '1.0a1.dev1', '1.0rc1', '1.0', '1.0+abc', '1.0.post1', '1!0.1'].map((v) => Version.parse(v));
  const shuffled = [chain[3], chain[6], chain[0], chain[5], chain[1], chain[4], chain[2]].filter((v) => v !== undefined);
  assert.deepEqual(shuffled.sort(compareVersions).map(String), chain.map(String));
  assert.equal(Version.parse('1.0_alpha_2.post-3.DEV4+Ubuntu-1').toString(), '1.0a2.post3.dev4+ubuntu.1');
  assert.ok(Version.parse('1.0.post1.dev1').isPrerelease);
  assert.ok(Version.parse('1.0a1.post1').isPrerelease);
  assert.equal(Version.parse('1.0').compare(Version.parse('1.0.0')), 0);
});

const specifierTable: [string, string, boolean, boolean?][] = [
  // [specifier, version, contained, with pre-releases allowed (defaults to the same)]
  ['==1.1', '1.1.0', true],
  ['==1.1', '1.1+local', true],
  ['==1.1+local', '1.1', false],
  ['==1.1.*', '1.1.post1', true],
  ['==1.1.*', '1.1a1', true],
  ['!=1.1.*', '1.1.post1', false],
  ['~=1.4.5a4', '1.4.5a4', true],
  ['~=1.4.5a4', '1.4.9', true],
  ['~=1.4.5a4', '1.5.0', false],
  ['<2.0', '2.0a1', false],
  ['<2.0', '1.9a1', true],
  ['>1.7', '1.7.0.post1', false],
  ['>1.7', '1.7+local', false],
  ['>1.7', '1.7.1', true],
  ['===1.0', '1.0.0', false],
  ['===1.0', '1.0', true],
  ['>=1.0', '2.0a1', true],
  ['>=1.0a1', '1.5b2', true],
];
for (const [spec, version, contained] of specifierTable) {
  test(`${spec} ${contained ? 'contains' : 'excludes'} ${version}`, () => {
    assert.equal(SpecifierSet.parse(spec).contains(version, { prereleases: true }), contained);
  });
}

test('filter keeps pre-releases only when nothing final matches, unless a clause names one', () => {
  const versions = ['1.0', '2.0a1', '1.5'].map((v) => Version.parse(v));
  assert.deepEqual(SpecifierSet.parse('>=1.0').filter(versions).map(String), ['1.0', '1.5']);
  assert.deepEqual(SpecifierSet.parse('>=1.8').filter(versions).map(String), ['2.0a1']);
  assert.deepEqual(SpecifierSet.parse('>=1.0a1').filter(versions).map(String), ['1.0', '2.0a1', '1.5']);
  assert.deepEqual(SpecifierSet.parse('>=1.0').filter(versions, { prereleases: false }).map(String), ['1.0', '1.5']);
  assert.deepEqual(SpecifierSet.parse('>=1.8').filter(versions, { prereleases: false }), []);
});

test('a specifier set prints its clauses sorted and without duplicates', () => {
  assert.equal(SpecifierSet.parse(' <2 , >=1,,>=1.0 ,').toString(), '<2,>=1');
  assert.equal(SpecifierSet.parse('').isEmpty, true);
  assert.throws(() => SpecifierSet.parse('>=1.0.*'), (e: unknown) => e instanceof ParseError && e.code === 'INVALID_SPECIFIER');
  assert.throws(() => SpecifierSet.parse('1.0'), (e: unknown) => e instanceof ParseError && /missing operator/.test(e.message));
});

const markerEnv = makeTarget('3.13.0rc1', parsePythonPlatform('linux')).markerEnvironment;
const markerTable: [string, boolean][] = [
  ["python_full_version >= '3.8'", true],
  ["platform_machine >= 'x86'", false],
  ["implementation_name == 'CPython'", false],
  ["python_version < '3.9' or os_name == 'posix'", true],
  ["os_name == 'nt' or python_version >= '3.13' and sys_platform == 'linux'", true],
  ["(os_name == 'nt' or python_version >= '3.13') and sys_platform == 'win32'", false],
  ["'linux' in sys_platform", true],
  ["platform_release >= '5'", false],
];
for (const [marker, expected] of markerTable) {
  test(`on CPython 3.13.0rc1/Linux the marker ${marker} is ${String(expected)}`, () => {
    assert.equal(Marker.parse(marker).evaluate(markerEnv), expected);
  });
}

test('extra comparisons normalise both sides, also inside parentheses', () => {
  const marker = Marker.parse('python_version < "3.8" or (extra == "Foo_Bar")');
  assert.equal(marker.toString(), 'python_version < "3.8" or extra == "foo-bar"');
  assert.ok(marker.mentionsExtra);
  assert.equal(marker.evaluate(markerEnv, 'foo.bar'), true);
  assert.equal(marker.evaluate(markerEnv, 'FOO-BAR'), true);
  assert.equal(marker.evaluate(markerEnv), false);
  assert.ok(!Marker.parse('os_name == "nt"').mentionsExtra);
});

test('a doubly parenthesised group keeps its meaning when rendered', () => {
  const marker = Marker.parse('os_name == "a" and ((os_name == "b" or os_name == "c"))');
  assert.equal(marker.toString(), 'os_name == "a" and (os_name == "b" or os_name == "c")');
  assert.equal(Marker.parse('((os_name == "a"))').toString(), 'os_name == "a"');
});

test('comparisons without a defined meaning fail at evaluation', () => {
  assert.throws(
    () => Marker.parse('os_name ~= "posix"').evaluate(markerEnv),
    (e: unknown) => e instanceof ParseError && e.code === 'UNDEFINED_MARKER_COMPARISON',
  );
  assert.equal(Marker.parse('python_version ~= "3.13"').evaluate(markerEnv), true);
});

test('string literals are decoded like Python literals', () => {
  assert.equal(Marker.parse(String.raw`os_name == "\x70osix"`).evaluate(markerEnv), true);
  assert.throws(() => Marker.parse(String.raw`os_name == "\N{LATIN SMALL LETTER P}osix"`), ParseError);
  assert.throws(() => Marker.parse('os_name == "a\nb"'), ParseError);
});

test('requirements round-trip to their canonical form', () => {
  const table: [string, string][] = [
    ["name[ext]>=1,<2;python_version<'3.9'", 'name[ext]<2,>=1; python_version < "3.9"'],
    ["pip @ https://x/pip-1.0.zip#sha256=ab ; os_name=='nt'", 'pip @ https://x/pip-1.0.zip#sha256=ab ; os_name == "nt"'],
    ['zope.interface (>3.5.0)', 'zope.interface>3.5.0'],
    ['Foo[B_ar, b-ar,c] == 1.0', 'Foo[b-ar,c]==1.0'],
  ];
  for (const [input, output] of table) assert.equal(formatRequirement(parseRequirement(input)), output);
  assert.equal(parseRequirement('Zope.Interface>1').name, 'zope-interface');
});

test('requirement errors point at the problem the way packaging does', () => {
  assert.throws(
    () => parseRequirement('name @ https://x/y.zip; os_name == "a"'),
    (e: unknown) => e instanceof ParseError && e.code === 'INVALID_REQUIREMENT' && e.message.startsWith('Expected semicolon (after URL and whitespace) or end'),
  );
  assert.throws(
    () => parseRequirement('name >= 1.0.*'),
    (e: unknown) =>
      e instanceof ParseError &&
      e.message === '.* suffix can only be used with `==` or `!=` operators\n    name >= 1.0.*\n         ~~~~~~~^',
  );
});
