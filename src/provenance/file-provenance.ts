/**
 * The provenance of one locked file: fetched from the URL its index listed, under the run's
 * HTTP client (credentials, timeouts, redaction) and retry policy, then every attestation in it
 * verified (verify.ts) against the sha256 we computed. What an answer means
 * (ATTESTATIONS.md 3.3): no URL, 404 or 410 is "none"; 403, a 5xx after retries, or a network
 * failure is "unknown", never "none" (PyPI answers 403 while attestations are switched off);
 * anything that fails to verify is "invalid", which fails the lock.
 */
import { PinHashesError } from '../errors.js';
import type { HttpClient } from '../http/client.js';
import { fetchOptionalBody } from '../http/optional-body.js';
import { redactUrl } from '../http/redact.js';
import type { RetryPolicy } from '../http/retry.js';
import type { IndexedFile } from '../package-index/types.js';
import type { Publisher } from './publisher.js';
import type { FailureReason, VerifiedAttestation } from './verify.js';
import { MAX_PROVENANCE_BYTES } from './wire.js';
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
 * digest we compute is known. Every answer of the index is a FileProvenance; it rejects only when
 * the trust root itself is unusable (BAD_TRUST_ROOT, exit 2).
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
    if (!Buffer.isBuffer(body)) return body;
    // Loaded here, on the first provenance to verify (see TrustRoot.material).
    const [{ verifyProvenance }, material] = await Promise.all([import('./verify.js'), deps.trust.material()]);
    return verifyProvenance(body, { filename: file.filename, sha256 }, material);
  };
}

function fetchProvenance(url: string, deps: ProvenanceDeps): Promise<Buffer | undefined> {
  return fetchOptionalBody(deps.http, url, {
    retry: deps.retry,
    absent: [404, 410],
    accept: ACCEPT,
    decompress: true,
    max: MAX_PROVENANCE_BYTES,
    tooLarge: (limit) => new PinHashesError('ATTESTATION_INVALID', `the provenance at ${redactUrl(url)} is larger than ${limit} bytes`, { exitCode: 1 }),
  });
}
