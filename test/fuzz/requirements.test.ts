// The requirements-file reader takes any text: lines, options, continuations, comments, `${VAR}`,
// hashes, URLs, markers. It returns lines and warnings or a PinHashesError at file:line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRequirementsText } from '../../src/requirements/parse-text.js';
import { Outcomes, fuzzParams, fuzzText, requirementText, total } from './fuzz-helpers.js';

const PIECES = [
  'requests', 'Foo_Bar.baz', 'a', 'x-y', '==', '>=', '<', '~=', '!=', '===', '1.0', '2.*', '1.0a1', '1!2.0+local',
  ',', ';', ' ; ', '[', ']', '[security,socks]', '(', ')', '@', ' @ ', 'https://example.com/x-1.0-py3-none-any.whl', 'file:///tmp/x.whl',
  'git+https://g/x.git@v1#egg=x', './local/path', '../up', '/abs', 'C:\\win', '#', ' # comment', '\\\n', '\\', '\n', '\r\n',
  '-r', '-c', '-e', '-i', '-f', '--index-url', '--extra-index-url', '--find-links', '--no-index', '--pre', '--prefer-binary',
  '--require-hashes', '--trusted-host', '--no-binary', '--only-binary', ':all:', ':none:', '--hash', '--hash=sha256:',
  '--hash=sha256:' + 'a'.repeat(64), '--hash=md5:00', '--config-settings', '--global-option', '--use-feature', '=', ' ', '\t',
  '${VAR}', '${HOME}', '$VAR', '${', '}', '"', "'", 'python_version', '"3.8"', ' and ', ' or ', 'extra == "x"', 'os_name == "nt"',
  '-', '--', '---', '\u0000', '\ufeff', '\u00e9', 'é', 'İ', '\u212a',
];

/** A file pip would read: requirement and option lines, comments, continuations, `${VAR}`s. */
const fileText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: requirementText },
      { weight: 1, arbitrary: requirementText.map((r) => `${r} --hash=sha256:${'ab'.repeat(32)}`) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '-r other.txt', '-c constraints.txt', '--index-url https://${VAR}@idx/simple', '-i https://idx/simple', '--extra-index-url=https://x/simple',
          '--no-index', '-f ./wheels', '--find-links https://x/links', '--pre', '--prefer-binary', '--only-binary :all:', '--no-binary=a,b',
          '--require-hashes', '--trusted-host idx', '-e ./src', 'git+https://g/x.git#egg=x', './local/dir', 'x.whl',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('# a comment', '', '   ', 'requests \\', '    >=2', '\\') },
    ),
    { maxLength: 8 },
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol)));

test('parseRequirementsText: any text gives lines and warnings or our error at file:line', () => {
  const outcomes = new Outcomes();
  fc.assert(
    fc.property(fuzzText(PIECES, fileText), (text) => {
      const parsed = total(
        'parseRequirementsText',
        text,
        () => parseRequirementsText(text, 'fuzz.in', { env: { VAR: 'value', HOME: '/home/x' }, cwd: '/work' }),
        [],
        outcomes,
      );
      if (parsed === undefined) return;
      for (const line of parsed.lines) {
        assert.equal(line.location.file, 'fuzz.in');
        assert.ok(Number.isInteger(line.location.line) && line.location.line >= 1, JSON.stringify(line.location));
      }
    }),
    fuzzParams(),
  );
  outcomes.assertBoth('parseRequirementsText');
});

test('parseRequirementsText: the same text as a constraints file follows the same rule', () => {
  fc.assert(
    fc.property(fuzzText(PIECES, fileText), (text) => {
      total('parseRequirementsText (constraint)', text, () => parseRequirementsText(text, 'fuzz.txt', { constraint: true, cwd: '/' }));
    }),
    fuzzParams(300),
  );
});
