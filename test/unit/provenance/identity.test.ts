// Publishers read from real Fulcio certificates, compared as pins, and checked against the
// index's unsigned claim.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, pem } from '@sigstore/core';
import { publisherOf } from '../../../src/provenance/identity.js';
import { claimMismatch, describePublisher, samePublisher, type Publisher } from '../../../src/provenance/publisher.js';
import { PYPI_ATTESTATIONS_PUBLISHER, attestationsDir, readData } from '../../helpers/attestations.js';

const skip = attestationsDir === undefined ? 'needs ../shared/data/attestations' : false;

function certificate(name: string): X509Certificate {
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(readData(name).toString('utf8'));
  assert.ok(block, `${name} holds a PEM certificate`);
  return X509Certificate.parse(pem.toDER(block[0]));
}

const github: Publisher = PYPI_ATTESTATIONS_PUBLISHER;

describe('publishers from certificates', { skip }, () => {
  test('a Google Cloud identity is its e-mail with the Google issuer', () => {
    assert.deepEqual(publisherOf(certificate('200170367.pem')), {
      kind: 'Google',
      issuer: 'https://accounts.google.com',
      identity: '919436158236-compute@developer.gserviceaccount.com',
    });
  });

  test('a GitHub certificate without the Source Repository Ref extension: the workflow is found at the commit digest', () => {
    const publisher = publisherOf(certificate('no-source-repository-ref-extension.pem'));
    assert.equal(publisher.kind, 'GitHub');
    assert.ok('workflow' in publisher);
    assert.equal(publisher.repository, 'SWIFTSIM/swiftgalaxy');
    assert.equal(publisher.workflow, 'python-publish.yml');
    assert.match(publisher.repositoryId ?? '', /^\d+$/);
  });
});

describe('publishers as pins', () => {
  const cases: [string, Partial<Publisher>, boolean][] = [
    ['the same', {}, true],
    ['the repository in other case', { repository: 'TrailOfBits/PyPI-Attestations' }, true],
    ['another environment (never compared)', { environment: 'pypi' }, true],
    ['a renamed or transferred repository (N16)', { repository: 'pypi/pypi-attestations', ownerId: '2964877' }, false],
    ['another workflow', { workflow: 'other.yml' }, false],
    ['a re-registered name (same name, new repository id)', { repositoryId: '1' }, false],
    ['another owner id', { ownerId: '1' }, false],
    ['GitLab with the same names', { kind: 'GitLab', issuer: 'https://gitlab.com' }, false],
  ];
  for (const [name, change, same] of cases) {
    test(`${name}: ${same ? 'same' : 'changed'}`, () => {
      assert.equal(samePublisher(github, { ...github, ...change } as Publisher), same);
    });
  }
  test('identity publishers compare kind, issuer and identity', () => {
    const google: Publisher = { kind: 'Google', issuer: 'https://accounts.google.com', identity: 'a@b.c' };
    assert.equal(samePublisher(google, { ...google }), true);
    assert.equal(samePublisher(google, { ...google, identity: 'x@b.c' }), false);
    assert.equal(samePublisher(google, github), false);
    assert.equal(describePublisher(google), 'Google a@b.c');
    assert.equal(describePublisher(github), 'GitHub trailofbits/pypi-attestations (release.yml; repository id 772247423, owner id 2314423)');
  });
});

describe("the index's publisher claim", () => {
  const cases: [string, Record<string, unknown>, RegExp | null][] = [
    ['as PyPI writes it', { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'release.yml', environment: null }, null],
    ['repository in other case', { kind: 'GitHub', repository: 'trailofbits/PyPI-Attestations', workflow: 'release.yml' }, null],
    ['another repository', { kind: 'GitHub', repository: 'evil/x', workflow: 'release.yml' }, /repository/],
    ['another workflow', { kind: 'GitHub', repository: 'trailofbits/pypi-attestations', workflow: 'x.yml' }, /workflow/],
    ['no workflow', { kind: 'GitHub', repository: 'trailofbits/pypi-attestations' }, /workflow/],
    ['another kind', { kind: 'ActiveState' }, /kind/],
  ];
  for (const [name, claim, problem] of cases) {
    test(`${name}: ${problem ? 'refused' : 'agrees'}`, () => {
      const mismatch = claimMismatch(claim as never, github);
      if (problem === null) assert.equal(mismatch, null);
      else assert.match(mismatch ?? '', problem);
    });
  }
});
