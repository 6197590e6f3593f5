import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerExpandedSecrets } from '../../../src/http/redact.js';
import { lockedDirectUrl } from '../../../src/lock/direct-url.js';

// As the input expanded them: DU_TOKEN into a path, DU_USER / DU_PASS into userinfo.
registerExpandedSecrets('${DU_TOKEN} ${DU_USER} ${DU_PASS} ${DU_SHORT}', { DU_TOKEN: 'tokDU-9f8e7d', DU_USER: 'userDU-1a2b', DU_PASS: 'passDU-3c4d', DU_SHORT: 'ab' });

const cases: [string, string][] = [
  ['https://host/tokDU-9f8e7d/app-1.0-py3-none-any.whl', 'https://host/${DU_TOKEN}/app-1.0-py3-none-any.whl'],
  ['https://userDU-1a2b:passDU-3c4d@host/tokDU-9f8e7d/a.whl', 'https://${DU_USER}:${DU_PASS}@host/${DU_TOKEN}/a.whl'],
  ['https://passDU-3c4d@host/a.whl', 'https://${DU_PASS}@host/a.whl'],
  // Userinfo not wholly from ${NAME}: dropped, as pip-compile and our header drop it.
  ['https://literal:passDU-3c4d@host/a.whl', 'https://host/a.whl'],
  ['https://user:pw@host/a.whl', 'https://host/a.whl'],
  // Values too short to mask are not placeholders either.
  ['https://host/ab/a.whl', 'https://host/ab/a.whl'],
  ['https://host/a.whl#sha256=00', 'https://host/a.whl#sha256=00'],
];

for (const [expanded, written] of cases) {
  test(`the lock writes ${expanded} as ${written}`, () => assert.equal(lockedDirectUrl(expanded), written));
}
