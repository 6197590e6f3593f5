/**
 * One PEP 740 attestation verified offline with sigstore-js (ATTESTATIONS.md 2.2): converted to
 * a Sigstore v0.3 bundle as pypi-attestations does, then the Fulcio chain, the SCT, every Rekor
 * entry (signed entry timestamp, inclusion proof and checkpoint, body), the signed time and the
 * DSSE signature are checked by @sigstore/verify against the trust root; then the statement
 * (statement.ts) against the file and the digest we computed, then the publisher is read from the
 * certificate (identity.ts). Every library call is wrapped: malformed input is an
 * AttestationFailure, never a crash.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import type { TrustMaterial } from '@sigstore/verify';
import type { FileProvenance } from './file-provenance.js';
import { IdentityError, publisherOf } from './identity.js';
import { claimMismatch, describePublisher, samePublisher, type Publisher } from './publisher.js';
import { checkStatement } from './statement.js';
import { provenanceSchemas, type AttestationObject } from './wire.js';

export interface VerifiedAttestation {
  readonly predicateType: string;
  readonly publisher: Publisher;
  /** The log's signed time (ISO 8601), never the clock's. */
  readonly signedTime: string;
  /** Rekor log index of the first transparency entry. */
  readonly logIndex: string;
}

export type FailureReason =
  | 'malformed'
  | 'checkpoint'
  | 'signature'
  | 'certificate'
  | 'transparency-log'
  | 'timestamp'
  | 'statement'
  | 'subject-name'
  | 'subject-digest'
  | 'predicate'
  | 'identity'
  | 'publisher-claim';

export class AttestationFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'AttestationFailure';
  }
}

const DSSE_IN_TOTO = 'application/vnd.in-toto+json';

/** A Verifier per trust root: building the trust material's key lookups once per run. */
const verifiers = new WeakMap<TrustMaterial, Verifier>();

export function verifyAttestation(attestation: AttestationObject, file: { filename: string; sha256: string }, trust: TrustMaterial): VerifiedAttestation {
  const entries = attestation.verification_material.transparency_entries;
  guardCheckpoints(entries);
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: attestation.verification_material.certificate },
      tlogEntries: entries,
      timestampVerificationData: { rfc3161Timestamps: (attestation.verification_material.timestamps ?? []).map((signedTimestamp) => ({ signedTimestamp })) },
    },
    dsseEnvelope: { payload: attestation.envelope.statement, payloadType: DSSE_IN_TOTO, signatures: [{ sig: attestation.envelope.signature, keyid: '' }] },
  };
  let verifier = verifiers.get(trust);
  if (verifier === undefined) {
    verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    verifiers.set(trust, verifier);
  }
  try {
    verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
  } catch (error) {
    throw libraryFailure(error);
  }
  const statement = checkStatement(Buffer.from(attestation.envelope.statement, 'base64'), file);
  if ('reason' in statement) throw new AttestationFailure(statement.reason, statement.detail);
  let publisher: Publisher;
  try {
    publisher = publisherOf(X509Certificate.parse(Buffer.from(attestation.verification_material.certificate, 'base64')));
  } catch (error) {
    throw new AttestationFailure('identity', error instanceof IdentityError ? error.message : 'the certificate cannot be read');
  }
  return { predicateType: statement.predicateType, publisher, signedTime: signedTimeOf(entries), logIndex: String(entries[0]?.['logIndex'] ?? '') };
}

/**
 * Checkpoint signer names are read before any signature is checked, and sigstore-js up to 4.1.1
 * used them as a regular expression (a ReDoS, ATTESTATIONS.md 3.7). Fixed in the version we
 * depend on; kept because it costs nothing and the next parser may slip again.
 */
const SIGNER_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?::\d{1,5})?(?:\/[A-Za-z0-9._~-]{1,100}){0,8}$/;

function guardCheckpoints(entries: readonly Record<string, unknown>[]): void {
  for (const entry of entries) {
    const proof = entry['inclusionProof'];
    const checkpoint = typeof proof === 'object' && proof !== null ? (proof as Record<string, unknown>)['checkpoint'] : undefined;
    const envelope = typeof checkpoint === 'object' && checkpoint !== null ? (checkpoint as Record<string, unknown>)['envelope'] : undefined;
    if (envelope === undefined) continue;
    if (typeof envelope !== 'string' || envelope.length > 64 * 1024) throw new AttestationFailure('checkpoint', 'a checkpoint is not text of a sensible size');
    for (const line of envelope.split('\n')) {
      if (!line.startsWith('\u2014 ')) continue;
      const name = line.slice(2).split(' ')[0] ?? '';
      if (!SIGNER_NAME.test(name)) throw new AttestationFailure('checkpoint', `a checkpoint is signed by ${JSON.stringify(name.slice(0, 80))}, which is not a log's name`);
    }
  }
}

/** The latest integrated time covered by a signed entry timestamp (verified above). */
function signedTimeOf(entries: readonly Record<string, unknown>[]): string {
  let latest = 0;
  for (const entry of entries) {
    const seconds = Number(entry['integratedTime'] ?? 0);
    if (entry['inclusionPromise'] !== undefined && Number.isSafeInteger(seconds) && seconds > latest) latest = seconds;
  }
  return latest === 0 ? '' : new Date(latest * 1000).toISOString();
}

function libraryFailure(error: unknown): AttestationFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${message}${code ? ` (${code})` : ''}`.slice(0, 300);
  if (code.startsWith('TLOG')) return new AttestationFailure('transparency-log', `the transparency log entry does not verify: ${detail}`);
  if (code === 'TIMESTAMP_ERROR') return new AttestationFailure('timestamp', `no signed time vouches for the signature: ${detail}`);
  if (code === 'CERTIFICATE_ERROR' || code.startsWith('CERT')) return new AttestationFailure('certificate', `the signing certificate does not chain to the trusted root: ${detail}`);
  if (code === 'SIGNATURE_ERROR' || code === 'PUBLIC_KEY_ERROR') return new AttestationFailure('signature', `the signature does not verify: ${detail}`);
  return new AttestationFailure('malformed', `the attestation cannot be verified: ${detail}`);
}

/** Every attestation of every bundle must verify, and all must name one publisher. */
export function verifyProvenance(body: Buffer, file: { filename: string; sha256: string }, trust: TrustMaterial): FileProvenance {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { kind: 'invalid', reason: 'malformed', why: 'the provenance is not UTF-8 JSON' };
  }
  const parsed = provenanceSchemas().ProvenanceObject.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'invalid', reason: 'malformed', why: `the provenance is not a PEP 740 provenance object (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'wrong shape'})` };
  }
  const attestations: VerifiedAttestation[] = [];
  for (const bundle of parsed.data.attestation_bundles) {
    for (const attestation of bundle.attestations) {
      let verified: VerifiedAttestation;
      try {
        verified = verifyAttestation(attestation, file, trust);
      } catch (error) {
        if (error instanceof AttestationFailure) return { kind: 'invalid', reason: error.reason, why: error.message };
        return { kind: 'invalid', reason: 'malformed', why: `the attestation cannot be verified: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` };
      }
      const mismatch = bundle.publisher ? claimMismatch(bundle.publisher, verified.publisher) : null;
      if (mismatch !== null) return { kind: 'invalid', reason: 'publisher-claim', why: `the index's publisher claim is false: ${mismatch}` };
      const first = attestations[0];
      if (first !== undefined && !samePublisher(first.publisher, verified.publisher)) {
        return { kind: 'invalid', reason: 'identity', why: `its attestations name two publishers: ${describePublisher(first.publisher)} and ${describePublisher(verified.publisher)}` };
      }
      attestations.push(verified);
    }
  }
  const publisher = attestations[0]?.publisher;
  if (publisher === undefined) return { kind: 'invalid', reason: 'malformed', why: 'the provenance holds no attestation' };
  return { kind: 'verified', publisher, attestations };
}
