// Markers, specifiers and requirements (PEP 508/440) and core metadata take any text: a value or
// a ParseError. What parses also evaluates (markers) or matches (specifiers) without throwing
// anything else, and prints back to something that parses to the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Marker, SpecifierSet, Specifier, Version, formatRequirement, makeTarget, parseCoreMetadata, parsePythonPlatform, parseRequirement } from '../../src/pep/index.js';
import { Outcomes, fuzzParams, fuzzText, markerText, requirementText, specifierText, total, versionText } from './fuzz-helpers.js';

const MARKER_PIECES = [
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_machine', 'platform_release', 'implementation_name',
  'platform_python_implementation', 'extra', 'extras', 'dependency_groups', 'os.name', 'sys.platform', 'python_implementation',
  '==', '!=', '<=', '>=', '<', '>', '~=', '===', ' in ', ' not in ', 'not', ' and ', ' or ', '(', ')', ' ',
  "'3.8'", '"3.11.*"', '"posix"', "'linux'", '"x"', '""', "'", '"', '\\"', '"1.0+local"', '"a b"', '"\u00e9"',
];
const SPECIFIER_PIECES = [
  '==', '!=', '<=', '>=', '<', '>', '~=', '===', ',', ' ', '1', '0', '.', '*', '.*', 'a', 'b', 'rc', 'c', 'alpha', 'post', 'dev',
  '-', '_', '+', 'local', '!', 'v', '1.0', '2.0.0', '1!1', '1.0a1', '1.0.post1.dev2', '1.0+abc.7', '\t', '\n',
];
const REQUIREMENT_PIECES = [...MARKER_PIECES, ...SPECIFIER_PIECES, 'name', 'Foo.Bar', '[', ']', 'x,y', '@', ' @ ', 'https://h/p.whl', ';', 'file:///a'];
const METADATA_PIECES = [
  'Metadata-Version: 2.1\n', 'Metadata-Version: 2.4\n', 'Metadata-Version: 3.0\n', 'Metadata-Version: x\n', 'Name: dep\n', 'Name: \n',
  'Version: 1.0\n', 'Version: \n', 'Requires-Dist: a>=1\n', 'Requires-Dist: b; extra == "x"\n', 'Requires-Python: >=3.8\n',
  'Provides-Extra: x\n', 'Dynamic: Requires-Dist\n', 'Summary: s\n', '  continued\n', '\tcontinued\n', 'From nobody\n', ':\n', 'A:b\n',
  'requires-dist: lower\n', '\n', '\r\n', '\r', 'Description: long\n', 'Name', ':', ' ', 'é', '\u0000',
];

/** Header blocks in any order, some fields twice, with continuations and a body. */
const metadataText: fc.Arbitrary<string> = fc
  .tuple(
    fc.shuffledSubarray(
      [
        'Metadata-Version: 2.1', 'Name: dep', 'Version: 1.0', 'Summary: a\n  continued', 'Requires-Python: >=3.8',
        'Requires-Dist: a>=1', 'Requires-Dist: b; extra == "x"', 'Provides-Extra: x', 'Dynamic: Requires-Dist', 'Version: 2.0',
      ],
      { minLength: 0, maxLength: 10 },
    ),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.constantFrom('', '\n\nThe body: Name: not-a-header\n'),
  )
  .map(([lines, eol, body]) => lines.join(eol) + eol + body);

/** Text packaging prints but cannot read back: marker values with escapes or control characters. */
function unprintable(printed: string): boolean {
  return /[\\\x00-\x1f\x7f\u0085\u2028\u2029]/.test(printed) || (printed.includes("'") && printed.includes('"'));
}

const env = makeTarget('3.12', parsePythonPlatform('linux')).markerEnvironment;

test('Marker.parse: a marker or a ParseError; a parsed marker evaluates or says why it cannot', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fuzzText(MARKER_PIECES, markerText), (text) => {
      const marker = total('Marker.parse', text, () => Marker.parse(text), [], outcomes);
      if (marker === undefined) return;
      total('Marker.evaluate', text, () => marker.evaluate(env, 'x', { extras: ['x'], dependencyGroups: [] }));
      const printed = marker.toString();
      // Like packaging, a value is printed between quotes as it is: one holding a backslash, a
      // quote of each kind or a line break cannot be read back (packaging fails the same way).
      if (unprintable(printed)) return;
      assert.equal(Marker.parse(printed).toString(), printed, `${JSON.stringify(text)} printed as ${printed}`);
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('Marker.parse');
});

test('SpecifierSet.parse and Specifier.parse: a value or a ParseError; values match any version without throwing', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fuzzText(SPECIFIER_PIECES, specifierText), fuzzText(SPECIFIER_PIECES, versionText), (text, candidate) => {
      const set = total('SpecifierSet.parse', text, () => SpecifierSet.parse(text), [], outcomes);
      total('Specifier.parse', text, () => Specifier.parse(text));
      total('Version.parse', candidate, () => Version.parse(candidate));
      if (set === undefined) return;
      total('SpecifierSet.contains', [text, candidate], () => set.contains(candidate, { prereleases: true }));
      assert.ok(SpecifierSet.parse(set.toString()).equals(set), `${JSON.stringify(text)} printed as ${set.toString()}`);
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('SpecifierSet.parse');
});

test('parseRequirement: a requirement or a ParseError; printing is stable', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fuzzText(REQUIREMENT_PIECES, requirementText), (text) => {
      const requirement = total('parseRequirement', text, () => parseRequirement(text), [], outcomes);
      if (requirement === undefined) return;
      const printed = formatRequirement(requirement);
      if (unprintable(printed)) return;
      assert.equal(formatRequirement(parseRequirement(printed)), printed, `${JSON.stringify(text)} printed as ${printed}`);
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('parseRequirement');
});

test('parseCoreMetadata: any text gives metadata or a ParseError', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fuzzText(METADATA_PIECES, metadataText), (text) => {
      const metadata = total('parseCoreMetadata', text, () => parseCoreMetadata(text), [], outcomes);
      if (metadata === undefined) return;
      assert.equal(typeof metadata.name, 'string');
      assert.ok(Array.isArray(metadata.requiresDist));
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('parseCoreMetadata');
});

// Found by the fuzzer: `B_` normalizes to `b-`, which printed as is did not read back.
test('an extra written with a trailing separator prints in a form that reads back to the same extra', () => {
  for (const text of ['Foo[ a , B_ ]', 'x[b__]>=1', 'x[B__]; os_name == "nt"']) {
    const requirement = parseRequirement(text);
    const printed = formatRequirement(requirement);
    assert.deepEqual(parseRequirement(printed).extras, requirement.extras, printed);
    assert.equal(formatRequirement(parseRequirement(printed)), printed);
  }
});
