// The inputs fingerprint check --offline compares: one value per meaning. Pairs of requirements
// files that lock the same must agree; pairs that may lock differently must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsFingerprint } from '../../../src/api/inputs-fingerprint.js';
import { prepareRun } from '../../../src/api/prepare.js';

async function fingerprintOf(files: Record<string, string>, env: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-fingerprint-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const run = await prepareRun({ inputs: ['requirements.in'], cwd: dir, env, pythonVersion: '3.12', pythonPlatform: 'linux', noVerifyAttestations: true, noCache: true });
    return inputsFingerprint(run);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const URL = 'https://files.example/app_core-1.0-py3-none-any.whl';

/** [what, one requirements.in, the other] -> same fingerprint. */
const SAME: [string, string, string][] = [
  ['comments and blank lines', 'app-core>=1\n', '# the core\n\napp-core>=1  # pinned later\n'],
  ['name spelling', 'Foo_Bar>=1\n', 'foo-bar>=1\n'],
  ['clause order and spacing', 'app-core>=1,<2\n', 'app-core < 2 , >= 1\n'],
  ['version spelling', 'app-core==2\n', 'app-core==2.0\n'],
  ['requirement order', 'a\nb\n', 'b\na\n'],
  ['extras order', 'app[b,a]\n', 'app[a,b]\n'],
  ['a direct reference spelt three ways', `app_core @ ${URL}\n`, `app-core@${URL}\n`],
  ['${VAR} kept, whatever it expands to', '-i ${INDEX}\napp\n', '-i ${INDEX}\napp\n'],
];

/** [what, one, the other] -> different fingerprints. */
const DIFFERENT: [string, string, string][] = [
  ['a specifier', 'app-core>=1\n', 'app-core>=2\n'],
  ['a marker', 'app-core\n', 'app-core; python_version < "3.13"\n'],
  ['an extra', 'app\n', 'app[docs]\n'],
  ['a requirement added', 'a\n', 'a\nb\n'],
  ['a --hash option', 'a\n', `a --hash=sha256:${'a'.repeat(64)}\n`],
  ['an index line', 'a\n', '-i https://mirror.example/simple/\na\n'],
  ['--pre', 'a\n', '--pre\na\n'],
  ['--only-binary', 'a\n', '--only-binary :all:\na\n'],
  ['a requirement that became a constraint', 'a\nb\n', 'a\n-c c.txt\n'],
  ['a direct reference to another file', `app-core @ ${URL}\n`, `app-core @ ${URL.replace('1.0', '1.1')}\n`],
];

for (const [what, one, other] of SAME) {
  test(`inputs fingerprint: the same across ${what}`, async () => {
    const env = { INDEX: 'https://one.example/simple/' };
    assert.equal(await fingerprintOf({ 'requirements.in': one, 'c.txt': 'b\n' }, env), await fingerprintOf({ 'requirements.in': other, 'c.txt': 'b\n' }, { INDEX: 'https://other.example/simple/' }));
  });
}

for (const [what, one, other] of DIFFERENT) {
  test(`inputs fingerprint: differs for ${what}`, async () => {
    assert.notEqual(await fingerprintOf({ 'requirements.in': one, 'c.txt': 'b\n' }), await fingerprintOf({ 'requirements.in': other, 'c.txt': 'b\n' }));
  });
}
