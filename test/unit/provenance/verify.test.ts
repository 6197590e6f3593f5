// PEP 740 verification against the real attestations, offline: each real set verifies with the
// right trust root and names its publisher from the certificate; each tampered variant of the
// fact sheet (ATTESTATIONS.md 2.3) is refused for its reason.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileProvenance } from '../../../src/provenance/file-provenance.js';
import { verifyProvenance } from '../../../src/provenance/verify.js';
import type { TrustMaterial } from '@sigstore/verify';
import { loadTrustRoot } from '../../../src/provenance/trust-root.js';
import {
  PYPI_ATTESTATIONS_PUBLISHER,
  REAL,
  attestationsDir,
  editStatement,
  firstEntry,
  flipBase64,
  provenanceOf,
  readData,
  readJson,
  sha256,
  stagingRootPath,
  tampered,
  type Json,
} from '../../helpers/attestations.js';

const skip = attestationsDir === undefined ? 'needs ../shared/data/attestations' : false;

function check(provenance: Json, filename: string, digest: string, trust: TrustMaterial): FileProvenance {
  return verifyProvenance(Buffer.from(JSON.stringify(provenance)), { filename, sha256: digest }, trust);
}

function assertInvalid(result: FileProvenance, reason: string, pattern?: RegExp): void {
  assert.equal(result.kind, 'invalid', JSON.stringify(result));
  if (result.kind !== 'invalid') return;
  assert.equal(result.reason, reason, result.why);
  if (pattern) assert.match(result.why, pattern);
}

describe('PEP 740 provenance, verified offline', { skip }, () => {
  let production: TrustMaterial;
  let staging: TrustMaterial;
  test('trust roots load: the embedded production one and the staging file', async () => {
    const roots = [await loadTrustRoot(null), await loadTrustRoot({ path: stagingRootPath(), shown: 'staging-trusted_root.json' })];
    assert.equal(roots[0]!.sha256, '6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66');
    assert.notEqual(roots[1]!.sha256, roots[0]!.sha256);
    production = await roots[0]!.material();
    staging = await roots[1]!.material();
  });

  const real = () => {
    const bytes = readData(REAL.pypiAttestations.file);
    return { bytes, digest: sha256(bytes), provenance: readJson(REAL.pypiAttestations.provenance) };
  };

  test('PyPI provenance of a GitHub trusted publisher verifies, and the publisher comes from the certificate', () => {
    const { digest, provenance } = real();
    const result = check(provenance, REAL.pypiAttestations.file, digest, production);
    assert.equal(result.kind, 'verified', JSON.stringify(result));
    if (result.kind !== 'verified') return;
    assert.deepEqual(result.publisher, PYPI_ATTESTATIONS_PUBLISHER);
    assert.deepEqual(result.attestations.map((a) => a.predicateType), ['https://docs.pypi.org/attestations/publish/v1']);
    assert.match(result.attestations[0]!.signedTime, /^2024-\d\d-\d\dT/);
    assert.match(result.attestations[0]!.logIndex, /^\d+$/);
  });

  test('with its SLSA provenance attestation added, both verify and name the one publisher', () => {
    const { digest, provenance } = real();
    const both = tampered(provenance, (c) => ((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[]).push(readJson('pypi_attestations-0.0.19.tar.gz.slsa.attestation')));
    const result = check(both, REAL.pypiAttestations.file, digest, production);
    assert.equal(result.kind, 'verified', JSON.stringify(result));
    if (result.kind === 'verified') assert.deepEqual(result.attestations.map((a) => a.predicateType), ['https://docs.pypi.org/attestations/publish/v1', 'https://slsa.dev/provenance/v1']);
  });

  test('GitLab and an older GitHub draft (predicate {}) verify too', () => {
    for (const set of [REAL.gitlab, REAL.models]) {
      const digest = sha256(readData(set.file));
      const result = check(provenanceOf([readJson(set.attestation)], set.publisher), set.file, digest, production);
      assert.equal(result.kind, 'verified', `${set.file}: ${JSON.stringify(result)}`);
      if (result.kind === 'verified') {
        assert.equal(result.publisher.kind, set.publisher.kind);
        assert.ok('repository' in result.publisher && result.publisher.repository === set.publisher.repository);
      }
    }
  });

  test('a staging attestation verifies against the staging root only, and names an e-mail identity', () => {
    const digest = sha256(readData(REAL.rfc8785.file));
    const provenance = provenanceOf([readJson(REAL.rfc8785.attestation)], null);
    const result = check(provenance, REAL.rfc8785.file, digest, staging);
    assert.equal(result.kind, 'verified', JSON.stringify(result));
    if (result.kind === 'verified') assert.deepEqual(result.publisher, { kind: 'Other', issuer: 'https://github.com/login/oauth', identity: 'william@yossarian.net' });
    assertInvalid(check(provenance, REAL.rfc8785.file, digest, production), 'certificate');
  });

  test('the subject filename is compared after parsing: another tag order is the same wheel', () => {
    const attestation = readJson('spt3g-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.publish.attestation');
    const digest = 'd2772f9a5199f05ed1be8d9aa78b879e51772e3ead9d73fe8057257b1aec7cf8';
    const result = check(provenanceOf([attestation], null), 'spt3g-1.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl', digest, staging);
    assert.equal(result.kind, 'verified', JSON.stringify(result));
  });

  const negatives: [string, () => [Json, string, string], string, RegExp?][] = [
    ['a byte of the file flipped (N1)', () => {
      const bytes = Buffer.from(readData(REAL.pypiAttestations.file));
      bytes[100]! ^= 1;
      return [real().provenance, REAL.pypiAttestations.file, sha256(bytes)];
    }, 'subject-digest', /downloaded file has/],
    ['the attestation of another file (N6)', () => [real().provenance, 'pypi_attestations-0.0.20.tar.gz', real().digest], 'subject-name', /not to pypi_attestations-0\.0\.20/],
    ['another project name (wrong_name)', () => [real().provenance, 'wrong_name-0.0.19.tar.gz', real().digest], 'subject-name'],
    ['the statement rewritten to another digest (N8)', () => {
      const p = tampered(real().provenance, (c) => editStatement(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!, (s) => {
        ((s['subject'] as Json[])[0]!['digest'] as Json)['sha256'] = 'f'.repeat(64);
      }));
      return [p, REAL.pypiAttestations.file, 'f'.repeat(64)];
    }, 'transparency-log'],
    ['a signature byte flipped (N9)', () => {
      const p = tampered(real().provenance, (c) => {
        const envelope = ((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!['envelope'] as { signature: string };
        envelope.signature = flipBase64(envelope.signature);
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'transparency-log'],
    ['integratedTime moved by a second (N10)', () => {
      const p = tampered(real().provenance, (c) => {
        const entry = firstEntry(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!);
        entry['integratedTime'] = String(Number(entry['integratedTime']) + 1);
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'transparency-log'],
    ['the signed entry timestamp removed: an unsigned time is no time (N11)', () => {
      const p = tampered(real().provenance, (c) => {
        delete firstEntry(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!)['inclusionPromise'];
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'timestamp'],
    ['an inclusion-proof hash altered (N12)', () => {
      const p = tampered(real().provenance, (c) => {
        const proof = firstEntry(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!)['inclusionProof'] as { hashes: string[] };
        proof.hashes[0] = flipBase64(proof.hashes[0]!);
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'transparency-log'],
    ["the index's publisher claim altered (N15)", () => {
      const p = tampered(real().provenance, (c) => {
        ((c['attestation_bundles'] as Json[])[0]!['publisher'] as Json)['repository'] = 'evil/pypi-attestations';
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'publisher-claim', /evil\/pypi-attestations/],
    ['a claim of another workflow', () => {
      const p = tampered(real().provenance, (c) => {
        ((c['attestation_bundles'] as Json[])[0]!['publisher'] as Json)['workflow'] = 'wrong.yml';
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'publisher-claim', /wrong\.yml/],
    ['a claim of another kind (GitLab for a GitHub certificate)', () => {
      const p = tampered(real().provenance, (c) => {
        ((c['attestation_bundles'] as Json[])[0]!['publisher'] as Json)['kind'] = 'GitLab';
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'publisher-claim'],
    ['provenance version 2 (N17)', () => [tampered(real().provenance, (c) => (c['version'] = 2)), REAL.pypiAttestations.file, real().digest], 'malformed'],
    ['attestation version 2', () => {
      const p = tampered(real().provenance, (c) => (((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!['version'] = 2));
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'malformed'],
    ['a certificate that is not base64', () => {
      const p = tampered(real().provenance, (c) => {
        ((((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!['verification_material']) as Json)['certificate'] = 'not base64!';
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'malformed', /canonical base64/],
    ['a checkpoint signed by a name built to hang a regex (the ReDoS)', () => {
      const p = tampered(real().provenance, (c) => {
        const proof = firstEntry(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!)['inclusionProof'] as { checkpoint: { envelope: string } };
        proof.checkpoint.envelope = proof.checkpoint.envelope.replace(/\u2014 \S+/, '\u2014 (.*.*)*x');
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'checkpoint'],
    ['no bundles', () => [{ version: 1, attestation_bundles: [] }, REAL.pypiAttestations.file, real().digest], 'malformed'],
    ['a transparency entry the bundle parser refuses', () => {
      const p = tampered(real().provenance, (c) => {
        const entry = firstEntry(((c['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!);
        delete entry['inclusionProof'];
        delete entry['logId'];
      });
      return [p, REAL.pypiAttestations.file, real().digest];
    }, 'malformed'],
  ];
  for (const [name, make, reason, pattern] of negatives) {
    test(`refused: ${name}`, () => {
      const [provenance, filename, digest] = make();
      assertInvalid(check(provenance, filename, digest, production), reason, pattern);
    });
  }

  test('bytes that are not JSON, or not UTF-8, are malformed', () => {
    const { digest } = real();
    const text = readData(REAL.pypiAttestations.provenance);
    for (const body of [text.subarray(0, text.length >> 1), Buffer.from([0x7b, 0xff, 0x7d])]) {
      const result = verifyProvenance(body, { filename: REAL.pypiAttestations.file, sha256: digest }, production);
      assertInvalid(result, 'malformed');
    }
  });
});
