/**
 * The provenance of one locked file: fetched from the URL its index listed, under the run's
 * HTTP client (credentials, timeouts, redaction) and retry policy, then every attestation in it
 * verified (verify.ts) against the sha256 we computed. What an answer means
 * (ATTESTATIONS.md 3.3): no URL, 404 or 410 is "none"; 403, a 5xx after retries, or a network
 * failure is "unknown", never "none" (PyPI answers 403 while attestations are switched off);
 * anything that fails to verify is "invalid", which fails the lock.
 */
import { PinHashesError } from '../errors.js';
import { readBody } from '../http/body.js';
import type { HttpClient } from '../http/client.js';
import { HttpError, statusError } from '../http/errors.js';
import { redactUrl } from '../http/redact.js';
import { withRetries, type RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import { claimMismatch, describePublisher, samePublisher, type Publisher } from './identity.js';
import { AttestationFailure, verifyAttestation, type FailureReason, type VerifiedAttestation } from './verify.js';
import { MAX_PROVENANCE_BYTES, ProvenanceObject } from './wire.js';
import type { TrustRoot } from './trust-root.js';

export type FileProvenance =
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly why: string }
  | { readonly kind: 'verified'; readonly publisher: Publisher; readonly attestations: readonly VerifiedAttestation[] }
  | { readonly kind: 'invalid'; readonly reason: FailureReason; readonly why: string };

export interface ProvenanceDeps {
  http: HttpClient;
  retry: RetryPolicy;
  trust: TrustRoot;
}

const ACCEPT = 'application/vnd.pypi.integrity.v1+json, application/json;q=0.5';

/**
 * Starts fetching the file's provenance now (alongside its download) and verifies it once the
 * digest we compute is known. Never rejects: every outcome is a FileProvenance.
 */
export function provenanceOf(file: IndexedFile, deps: ProvenanceDeps): (sha256: string) => Promise<FileProvenance> {
  const url = file.provenance;
  if (url === null) return () => Promise.resolve({ kind: 'none' });
  const fetched = fetchProvenance(url, deps).then(
    (body): Buffer | FileProvenance => body ?? { kind: 'none' },
    (error: unknown): FileProvenance => {
      if (error instanceof PinHashesError && error.code === 'ATTESTATION_INVALID') return { kind: 'invalid', reason: 'malformed', why: error.message };
      return { kind: 'unknown', why: error instanceof Error ? deps.http.redact(error.message) : 'the request failed' };
    },
  );
  return async (sha256) => {
    const body = await fetched;
    return Buffer.isBuffer(body) ? verifyProvenance(body, { filename: file.filename, sha256 }, deps.trust) : body;
  };
}

async function fetchProvenance(url: string, deps: ProvenanceDeps): Promise<Buffer | undefined> {
  return withRetries(async () => {
    const response = await deps.http.openStream(url, { accept: ACCEPT, decompress: true, lane: 'index' });
    if (response.status === 404 || response.status === 410) {
      response.body.resume();
      return undefined;
    }
    if (response.status < 200 || response.status > 299) {
      response.body.resume();
      throw statusError(url, response.status);
    }
    return readBody(response.body, {
      max: MAX_PROVENANCE_BYTES,
      tooLarge: (limit) => new PinHashesError('ATTESTATION_INVALID', `the provenance at ${redactUrl(url)} is larger than ${limit} bytes`, { exitCode: 1 }),
    }).catch((error: unknown) => {
      throw error instanceof HttpError || error instanceof PinHashesError ? error : deps.http.wrapError(url, error);
    });
  }, deps.retry);
}

/** Every attestation of every bundle must verify, and all must name one publisher. */
export function verifyProvenance(body: Buffer, file: { filename: string; sha256: string }, trust: TrustRoot): FileProvenance {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { kind: 'invalid', reason: 'malformed', why: 'the provenance is not UTF-8 JSON' };
  }
  const parsed = ProvenanceObject.safeParse(json);
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
