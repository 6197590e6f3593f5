// The lock's `# provenance:` line: every record reads back as written, and a line we did not
// write (a repeated or unknown field, broken encoding) is no record at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProvenanceLine, provenanceLine, type PackageProvenance } from '../../../src/provenance/record.js';

const records: PackageProvenance[] = [
  { kind: 'none' },
  { kind: 'unknown' },
  {
    kind: 'attested',
    publisher: { kind: 'GitHub', issuer: 'https://token.actions.githubusercontent.com', repository: 'o/r', workflow: 'release.yml', repositoryId: '1', ownerId: '2', environment: 'pypi' },
    unattested: [],
  },
  {
    kind: 'attested',
    publisher: { kind: 'GitLab', issuer: 'https://gitlab.com', repository: 'g/sub/p', workflow: 'ci/a b=c%,.yml', repositoryId: null, ownerId: null, environment: null },
    unattested: ['p-1.0-py3-none-any.whl', 'p-1.0.tar.gz'],
  },
  { kind: 'attested', publisher: { kind: 'Google', issuer: 'https://accounts.google.com', identity: 'x@p.iam.gserviceaccount.com' }, unattested: [] },
  { kind: 'attested', publisher: { kind: 'Other', issuer: 'https://github.com/login/oauth', identity: 'wäre@example.org' }, unattested: [] },
];
for (const record of records) {
  test(`round trip: ${provenanceLine(record)}`, () => {
    const line = provenanceLine(record);
    assert.match(line, /^[\x20-\x7e]+$/, 'ASCII, one line');
    assert.deepEqual(parseProvenanceLine(line), record);
  });
}

const refused = [
  '# provenance: GitHub o/r workflow=a workflow=b',
  '# provenance: GitHub o/r workflow=a colour=blue',
  '# provenance: GitHub o/r',
  '# provenance: GitHub o/r workflow=%zz',
  '# provenance: Other x@y',
  '# provenance: Martian x',
  '# provenance: none extra',
  '# provenance:',
  '# via -r requirements.in',
];
for (const line of refused) {
  test(`not a record: ${line}`, () => assert.equal(parseProvenanceLine(line), undefined));
}
