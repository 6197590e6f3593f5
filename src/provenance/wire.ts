/**
 * PEP 740 objects as an index serves them (PROTOCOLS.md 1.6, ATTESTATIONS.md 1.1), validated
 * before anything reads them: `version` must be 1 (the spec: a verifier MUST reject any other),
 * base64 fields are canonical base64, and sizes are bounded. Nothing here is trusted: the
 * attestation is verified by verify.ts, and the bundle's `publisher` is an unsigned claim that is
 * only ever compared with what the verified certificate says.
 */
import * as z from 'zod';

/**
 * The schemas, built on first use: a lock reaches its first request before any provenance
 * arrives, and building zod schemas is start-up time (zod itself loads on first use too:
 * scripts/bundle.mjs).
 */
function makeSchemas() {
  /** Canonical base64 (padding included, no whitespace), non-empty. */
  const Base64 = z
    .string()
    .min(1)
    .max(1024 * 1024)
    .refine((text) => /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0 && Buffer.from(text, 'base64').toString('base64') === text, 'is not canonical base64');

  /** A protobuf-specs TransparencyLogEntry in JSON: handed to @sigstore/bundle, which checks its shape. */
  const TransparencyEntry = z.record(z.string(), z.unknown());

  const AttestationObject = z.object({
    version: z.literal(1),
    verification_material: z.object({
      certificate: Base64,
      transparency_entries: z.array(TransparencyEntry).min(1).max(4),
      /** Proposed (pypi-attestations #143): RFC 3161 tokens, for Rekor v2 entries that carry no signed time. */
      timestamps: z.array(Base64).max(4).optional(),
    }),
    envelope: z.object({ statement: Base64, signature: Base64 }),
  });

  /** PyPI's claim of who published (warehouse `attestation_identity`); any other kind is kept as-is. */
  const PublisherClaim = z
    .object({
      kind: z.string(),
      repository: z.string().optional(),
      workflow: z.string().optional(),
      workflow_filepath: z.string().optional(),
      environment: z.string().nullish(),
      email: z.string().optional(),
    })
    .passthrough();

  const ProvenanceObject = z.object({
    version: z.literal(1),
    attestation_bundles: z
      .array(
        z.object({
          // Required by PEP 740; an index that leaves it out only loses the cross-check.
          publisher: PublisherClaim.nullish(),
          // PyPI allows one attestation per predicate type (two kinds exist): room to spare, and a
          // bound on the verification work a hostile index can ask for (~9 ms each).
          attestations: z.array(AttestationObject).min(1).max(4),
        }),
      )
      .min(1)
      .max(4),
  });
  return { AttestationObject, PublisherClaim, ProvenanceObject };
}

type Schemas = ReturnType<typeof makeSchemas>;
let built: Schemas | undefined;
/** The PEP 740 schemas (AttestationObject, PublisherClaim, ProvenanceObject). */
export const provenanceSchemas = (): Schemas => (built ??= makeSchemas());

export type AttestationObject = z.infer<Schemas['AttestationObject']>;
export type PublisherClaim = z.infer<Schemas['PublisherClaim']>;
export type ProvenanceObject = z.infer<Schemas['ProvenanceObject']>;

/** Largest provenance response we read; real ones are about 10 kB per attestation. */
export const MAX_PROVENANCE_BYTES = 1024 * 1024;
