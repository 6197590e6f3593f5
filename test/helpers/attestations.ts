// The real PEP 740 data in ../shared/data/attestations (PAIRS.md there says who signed what),
// made into the objects an index serves, and the tampered variants the fact sheet lists.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from './paths.js';
import type { Publisher } from '../../src/provenance/publisher.js';

export const attestationsDir = sharedData('attestations');
export const trustDir = sharedData('sigstore-trust');

export type Json = Record<string, unknown>;

export function readData(name: string): Buffer {
  if (attestationsDir === undefined) throw new Error('Assertion failed: attestation data asked for without the data folder');
  return readFileSync(join(attestationsDir, name));
}

export function readJson(name: string): Json {
  return JSON.parse(readData(name).toString('utf8')) as Json;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function stagingRootPath(): string {
  if (trustDir === undefined) throw new Error('Assertion failed: trust roots asked for without the data folder');
  return join(trustDir, 'staging-trusted_root.json');
}

/** A provenance object around bare attestations, as PyPI's Integrity API answers. */
export function provenanceOf(attestations: Json[], publisher: Json | null): Json {
  return { version: 1, attestation_bundles: [{ publisher, attestations }] };
}

/** Deep copy, then `edit` it. */
export function tampered<T>(value: T, edit: (copy: T) => void): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  edit(copy);
  return copy;
}

/** The attestation's first transparency entry, for edits. */
export function firstEntry(attestation: Json): Json {
  const material = attestation['verification_material'] as { transparency_entries: Json[] };
  return material.transparency_entries[0]!;
}

export function editStatement(attestation: Json, edit: (statement: Json) => void): void {
  const envelope = attestation['envelope'] as { statement: string };
  const statement = JSON.parse(Buffer.from(envelope.statement, 'base64').toString('utf8')) as Json;
  edit(statement);
  envelope.statement = Buffer.from(JSON.stringify(statement)).toString('base64');
}

/** Flips one bit in the middle of a base64 value. */
export function flipBase64(text: string): string {
  const bytes = Buffer.from(text, 'base64');
  bytes[bytes.length >> 1]! ^= 0x01;
  return bytes.toString('base64');
}

/** Who signed pypi_attestations-0.0.19 (read from its certificate; PAIRS.md). */
export const PYPI_ATTESTATIONS_PUBLISHER: Publisher = {
  kind: 'GitHub',
  issuer: 'https://token.actions.githubusercontent.com',
  repository: 'trailofbits/pypi-attestations',
  workflow: 'release.yml',
  repositoryId: '772247423',
  ownerId: '2314423',
  environment: null,
};

/** The real sets: file (when its bytes are here), the attestation or provenance, the root, the publisher. */
export const REAL = {
  /** Production, GitHub trusted publisher; the provenance exactly as PyPI served it. */
  pypiAttestations: { file: 'pypi_attestations-0.0.19.tar.gz', provenance: 'pypi_attestations-0.0.19.tar.gz.provenance' },
  /** Production, GitLab trusted publisher. */
  gitlab: {
    file: 'gitlab_oidc_project-0.0.3.tar.gz',
    attestation: 'gitlab_oidc_project-0.0.3.tar.gz.publish.attestation',
    publisher: { kind: 'GitLab', repository: 'facutuesca/gitlab-oidc-project', workflow_filepath: '.gitlab-ci.yml', environment: '' },
  },
  /** Production, GitHub, an older draft with predicate {}. */
  models: {
    file: 'pypi_attestation_models-0.0.4a2.tar.gz',
    attestation: 'pypi_attestation_models-0.0.4a2.tar.gz.attestation',
    publisher: { kind: 'GitHub', repository: 'trailofbits/pypi-attestation-models', workflow: 'release.yml', environment: null },
  },
  /** Staging, an e-mail identity (GitHub OAuth): the one wheel with its bytes. */
  rfc8785: { file: 'rfc8785-0.1.2-py3-none-any.whl', attestation: 'rfc8785-0.1.2-py3-none-any.whl.publish.attestation' },
} as const;
