import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestPlaceholder, digestStatus, seal } from '../../../src/lock/lock-digest.js';

const REQUIREMENTS = ['#', '# header', digestPlaceholder('requirements-txt'), '#', 'a==1.0 \\', '    --hash=sha256:' + 'a'.repeat(64), ''].join('\n');
const PYLOCK = ['lock-version = "1.0"', '', '[tool.pin-hashes]', 'command = ["x"]', digestPlaceholder('pylock'), ''].join('\n');

const sealedReq = seal(REQUIREMENTS, 'requirements-txt');
const sealedPylock = seal(PYLOCK, 'pylock');

/** A sealed text, an edit of it -> the status. */
const CASES: [string, string, 'requirements-txt' | 'pylock', 'sealed' | 'absent' | 'mismatch'][] = [
  ['as written', sealedReq, 'requirements-txt', 'sealed'],
  ['as written (pylock)', sealedPylock, 'pylock', 'sealed'],
  ['checked out with CRLF line endings (core.autocrlf)', sealedReq.replace(/\n/g, '\r\n'), 'requirements-txt', 'sealed'],
  ['a pin changed', sealedReq.replace('a==1.0', 'a==1.1'), 'requirements-txt', 'mismatch'],
  ['a hash changed', sealedReq.replace('a'.repeat(64), 'b'.repeat(64)), 'requirements-txt', 'mismatch'],
  ['a line added at the end', sealedReq + 'evil==1.0\n', 'requirements-txt', 'mismatch'],
  ['the header edited', sealedReq.replace('# header', '# headers'), 'requirements-txt', 'mismatch'],
  ['the digest line removed', sealedReq.replace(/^# lock-sha256.*\n/m, ''), 'requirements-txt', 'absent'],
  ['a digest in upper case (not ours)', sealedReq.replace(/lock-sha256: ([0-9a-f]+)/, (_, hex: string) => `lock-sha256: ${hex.toUpperCase()}`), 'requirements-txt', 'absent'],
  ['a pylock package added', sealedPylock.replace('lock-version = "1.0"', 'lock-version = "1.0"\n[[packages]]\nname = "x"'), 'pylock', 'mismatch'],
  ['the placeholder left as it is', REQUIREMENTS, 'requirements-txt', 'mismatch'],
];

for (const [name, text, format, expected] of CASES) {
  test(`lock digest: ${name} -> ${expected}`, () => {
    assert.equal(digestStatus(text, format).kind, expected);
  });
}

test('seal fills in the placeholder only', () => {
  assert.equal(sealedReq.split('\n').length, REQUIREMENTS.split('\n').length);
  assert.match(sealedReq, /^# lock-sha256: [0-9a-f]{64} \(of this file without this line\)$/m);
  assert.doesNotMatch(sealedReq, /0{64}/);
  assert.throws(() => seal('no placeholder\n', 'requirements-txt'), /wrote no digest line/);
});
