// Every parser takes any string: it returns a value or throws ParseError, nothing else, and what
// it prints parses back to the same thing. Inputs are pseudo-random (fixed seed) mixes of the
// tokens the grammars care about, so failures reproduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParseError } from '../../../src/errors.js';
import {
  Marker,
  Specifier,
  SpecifierSet,
  Version,
  formatRequirement,
  makeTarget,
  parseCoreMetadata,
  parsePythonPlatform,
  parseRequirement,
  parseSdistFilename,
  parseSdistFilenameFor,
  parseTag,
  parseWheelFilename,
  normalizeName,
} from '../../../src/pep/index.js';

const PIECES = [
  '1', '0', '9', '.', '-', '_', '+', '!', '*', ',', ';', '(', ')', '[', ']', '@', ' ', '\t', '\n', '"', "'", '\\',
  'v', 'a', 'b', 'rc', 'c', 'alpha', 'post', 'dev', 'r', 'local', 'x',
  '==', '!=', '<=', '>=', '<', '>', '~=', '===', 'and', 'or', 'in', 'not',
  'python_version', 'extra', 'os_name', "'3.8'", '"posix"', 'name', 'https://x/y.zip',
  '.tar.gz', '.whl', '-py3-none-any', 'Name: x', 'Version: 1', 'Metadata-Version: 2.1',
  '\u00e9', '\u0130', '\u212a', '\u3000', '\u{1f600}', '\x85',
];

function* randomInputs(seed: number, count: number): Generator<string> {
  let state = seed >>> 0;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  for (let i = 0; i < count; i++) {
    const length = next() % 12;
    let text = '';
    for (let j = 0; j < length; j++) text += PIECES[next() % PIECES.length] ?? '';
    yield text;
  }
}

function total<T>(what: string, input: string, parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    assert.ok(error instanceof ParseError, `${what}(${JSON.stringify(input)}) threw ${String(error)}`);
    return null;
  }
}

const env = makeTarget('3.12', parsePythonPlatform('linux')).markerEnvironment;

test('every parser returns a value or a ParseError for any input, and printing is stable', () => {
  for (const input of randomInputs(0x5eed, 6000)) {
    const version = total('Version.parse', input, () => Version.parse(input));
    if (version !== null) assert.ok(Version.parse(version.toString()).equals(version), input);

    const specifier = total('Specifier.parse', input, () => Specifier.parse(input));
    if (specifier !== null) {
      assert.ok(Specifier.parse(specifier.toString()).equals(specifier), input);
      total('Specifier.contains', input, () => specifier.contains(input));
    }
    const set = total('SpecifierSet.parse', input, () => SpecifierSet.parse(input));
    if (set !== null) assert.ok(SpecifierSet.parse(set.toString()).equals(set), input);

    const marker = total('Marker.parse', input, () => Marker.parse(input));
    if (marker !== null) {
      assert.equal(Marker.parse(marker.toString()).toString(), marker.toString(), input);
      total('Marker.evaluate', input, () => marker.evaluate(env, 'x'));
    }
    const requirement = total('parseRequirement', input, () => parseRequirement(input));
    if (requirement !== null) {
      const printed = formatRequirement(requirement);
      assert.equal(formatRequirement(parseRequirement(printed)), printed, input);
    }
    total('parseWheelFilename', input, () => parseWheelFilename(input));
    total('parseSdistFilename', input, () => parseSdistFilename(input));
    total('parseTag', input, () => parseTag(input));
    total('parsePythonPlatform', input, () => parsePythonPlatform(input));
    total('parseCoreMetadata', input, () => parseCoreMetadata(input));
    total('makeTarget', input, () => makeTarget(input, { os: 'windows', arch: 'x86_64' }));
    const lenient = parseSdistFilenameFor(input, normalizeName('name'));
    if (lenient !== null) assert.ok(lenient.version.length > 0);
  }
});

test('pathological inputs stay fast and fail cleanly', () => {
  const started = Date.now();
  const n = 100_000;
  const inputs = [
    '1.'.repeat(n),
    '1+' + 'a.'.repeat(n),
    '('.repeat(n),
    'os_name == "a" and '.repeat(n / 20),
    'a-'.repeat(n),
    '>=1,'.repeat(n / 10) + '<',
    'name[' + 'a,'.repeat(n / 2),
    '"'.repeat(n),
  ];
  for (const input of inputs) {
    total('Version.parse', input.slice(0, 20), () => Version.parse(input));
    total('SpecifierSet.parse', input.slice(0, 20), () => SpecifierSet.parse(input));
    total('Marker.parse', input.slice(0, 20), () => Marker.parse(input));
    total('parseRequirement', input.slice(0, 20), () => parseRequirement(input));
  }
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});
