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
  // pip ends a requirement's continued line at a comment: the hash after it would be dropped.
  [
    'the digest line moved, unchanged, between a pin and its hash',
    (() => {
      const line = /^# lock-sha256: .*$/m.exec(sealedReq)?.[0] ?? '';
      return sealedReq.replace(`${line}\n`, '').replace('a==1.0 \\\n', `a==1.0 \\\n${line}\n`);
    })(),
    'requirements-txt',
    'mismatch',
  ],
  ['the digest line moved to the end', sealedReq.replace(/^(# lock-sha256: .*\n)([\s\S]*)$/m, '$2$1'), 'requirements-txt', 'mismatch'],
];

for (const [name, text, format, expected] of CASES) {
  test(`lock digest: ${name} -> ${expected}`, () => {
    assert.equal(digestStatus(text, format).kind, expected);
  });
}

test('seal fills in the placeholder only', () => {
  assert.equal(sealedReq.split('\n').length, REQUIREMENTS.split('\n').length);
  assert.match(sealedReq, /^# lock-sha256: [0-9a-f]{64} \(of this file, with this digest as zeros\)$/m);
  assert.doesNotMatch(sealedReq, /0{64}/);
  assert.throws(() => seal('no placeholder\n', 'requirements-txt'), /wrote no digest line/);
});
