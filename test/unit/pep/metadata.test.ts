import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from '../../helpers/paths.js';
import { ParseError } from '../../../src/errors.js';
import { parseCoreMetadata, parseEmailHeaders, parseRequirement } from '../../../src/pep/index.js';

test("packaging's everything.metadata parses with every field used for resolution", (t) => {
  const dir = sharedData('packaging-vectors');
  if (dir === undefined) {
    t.skip('shared data packaging-vectors absent');
    return;
  }
  const text = readFileSync(join(dir, 'everything.metadata'), 'utf8');
  const metadata = parseCoreMetadata(text);
  assert.deepEqual(metadata, {
    metadataVersion: '2.6',
    name: 'BeagleVote',
    version: '1.0a2',
    requiresDist: [
      "reportlab; extra == 'pdf'",
      'pkginfo',
      'PasteDeploy',
      'zope.interface (>3.5.0)',
      "pywin32 >1.0; sys_platform == 'win32'",
    ],
    requiresPython: '>=3',
    providesExtra: ['pdf'],
    dynamic: ['Obsoletes-Dist'],
  });
  // Every Requires-Dist is valid PEP 508, the parenthesised legacy form included.
  assert.equal(parseRequirement(metadata.requiresDist[3] ?? '').specifier.toString(), '>3.5.0');
  // compat32 keeps continuation lines with their line break and indentation.
  const author = parseEmailHeaders(text).find((f) => f.name === 'Author');
  assert.equal(author?.value, 'C. Schultz, Universal Features Syndicate,\n        Los Angeles, CA <cschultz@peanuts.example.com>');
  // The body after the first blank line is not a header.
  assert.ok(!parseEmailHeaders(text).some((f) => f.value.includes('intentionally left blank')));
});

test('field names are case-insensitive and multiple-use fields keep their order', () => {
  const metadata = parseCoreMetadata(
    'metadata-version: 2.1\r\nNAME: foo\r\nversion: 1.0\r\nrequires-dist: a\r\nREQUIRES-DIST: b; extra == "x"\r\nProvides-Extra: x\r\n',
  );
  assert.equal(metadata.name, 'foo');
  assert.deepEqual(metadata.requiresDist, ['a', 'b; extra == "x"']);
  assert.deepEqual(metadata.providesExtra, ['x']);
  assert.equal(metadata.requiresPython, null);
  assert.deepEqual(metadata.dynamic, []);
});

test('headers stop at a line that is neither a field nor a continuation', () => {
  const metadata = parseCoreMetadata('Metadata-Version: 1.0\nName: foo\nVersion: 1\nthis is body text\nRequires-Dist: hidden\n');
  assert.deepEqual(metadata.requiresDist, []);
});

test('a continuation before any field is dropped and a bare colon field is ignored', () => {
  const fields = parseEmailHeaders(' stray\n: nothing\nName:   spaced  \nX:\n');
  assert.deepEqual(fields, [
    { name: 'Name', value: 'spaced  ' },
    { name: 'X', value: '' },
  ]);
});

const broken: [string, string][] = [
  ['a missing Name', 'Metadata-Version: 2.1\nVersion: 1.0\n'],
  ['a missing Version', 'Metadata-Version: 2.1\nName: foo\n'],
  ['a missing Metadata-Version', 'Name: foo\nVersion: 1.0\n'],
  ['two Version fields', 'Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nVersion: 2.0\n'],
  ['two Requires-Python fields', 'Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Python: >=3\nRequires-Python: >=3.8\n'],
  ['a newer major Metadata-Version', 'Metadata-Version: 3.0\nName: foo\nVersion: 1.0\n'],
  ['a nonsense Metadata-Version', 'Metadata-Version: two\nName: foo\nVersion: 1.0\n'],
];
for (const [what, text] of broken) {
  test(`metadata with ${what} is refused`, () => {
    assert.throws(() => parseCoreMetadata(text), (e: unknown) => e instanceof ParseError && e.code === 'INVALID_METADATA');
  });
}
