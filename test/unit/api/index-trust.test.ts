import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { comparableIndexUrl, indexDisagreements, indexesNamedOutsideHeader, type NamedIndex } from '../../../src/api/index-trust.js';
import type { RequirementsInput } from '../../../src/requirements/index.js';

const REAL = 'https://pypi.corp.example/simple/';
const EVIL = 'https://evil.example/simple/';
const input = (where = 'requirements.in:1'): NamedIndex => ({ url: REAL, where });

describe('when the header index disagrees with the inputs and the environment', () => {
  const cases: { name: string; header: string[]; named: NamedIndex[]; disagree: string[] }[] = [
    { name: 'no header index (the inputs or env chose it): nothing to compare', header: [], named: [input()], disagree: [] },
    { name: 'a header index, and nothing else names any (a lock made with -i on the command line)', header: [EVIL], named: [], disagree: [] },
    { name: 'the header index is the input one', header: [REAL], named: [input()], disagree: [] },
    { name: 'the header index is another one', header: [EVIL], named: [input()], disagree: [EVIL] },
    { name: "the header index is the environment's", header: [REAL], named: [{ url: REAL, where: 'PIP_INDEX_URL' }, { url: 'https://mirror.example/simple/', where: 'requirements.in:1' }], disagree: [] },
    { name: 'the header index is an extra index the input names', header: [REAL], named: [{ url: 'https://other.example/simple/', where: 'r.in:1' }, { url: REAL, where: 'r.in:2' }], disagree: [] },
    { name: 'the header adds an extra index nothing names', header: [REAL, EVIL], named: [input()], disagree: [EVIL] },
    { name: 'credentials, case and a missing slash do not matter', header: ['HTTPS://PyPI.Corp.Example:443/simple'], named: [{ url: 'https://u:secret@pypi.corp.example/simple/', where: 'r.in:1' }], disagree: [] },
    { name: 'another path on the same host is another index', header: ['https://pypi.corp.example/other/simple/'], named: [input()], disagree: ['https://pypi.corp.example/other/simple/'] },
    { name: 'another port is another index', header: ['https://pypi.corp.example:8443/simple/'], named: [input()], disagree: ['https://pypi.corp.example:8443/simple/'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(indexDisagreements(c.header, c.named).map((d) => d.header), c.disagree);
    });
  }

  test('the message names both sides and where the other was named, never a credential', () => {
    const [d] = indexDisagreements(['https://attacker:tok@evil.example/simple/'], [{ url: 'https://u:secret@pypi.corp.example/simple/', where: 'requirements.in:3' }]);
    assert.ok(d);
    assert.ok(d.message.includes(EVIL), d.message);
    assert.ok(d.message.includes(`${REAL} (requirements.in:3)`), d.message);
    assert.doesNotMatch(d.message, /secret|tok|attacker/);
  });

  test('unparseable URLs are compared as written, credentials stripped', () => {
    assert.equal(comparableIndexUrl('http://u:p@host:99999/simple'), 'http://host:99999/simple');
  });

  test('the inputs name their lines as written and expanded, then the environment', () => {
    const reqs = {
      indexUrl: { url: 'https://${HOST}/simple/', expanded: REAL, location: { file: 'r.in', line: 1 } },
      extraIndexUrls: [{ url: EVIL, expanded: EVIL, location: { file: 'r.in', line: 2 } }],
    } as unknown as RequirementsInput;
    assert.deepEqual(indexesNamedOutsideHeader(reqs, { indexUrl: 'https://env.example/simple/', extraIndexUrls: ['https://x.example/'] }), [
      { url: 'https://${HOST}/simple/', where: 'r.in:1' },
      { url: REAL, where: 'r.in:1' },
      { url: EVIL, where: 'r.in:2' },
      { url: 'https://env.example/simple/', where: 'PIP_INDEX_URL' },
      { url: 'https://x.example/', where: 'PIP_EXTRA_INDEX_URL' },
    ]);
  });
});
