/**
 * The publisher of a distribution as a value: what a certificate names (identity.ts reads it),
 * what a lock pins (record.ts), how two are compared as pins, and how the index's unsigned claim
 * is checked against it. No Sigstore code here: the lock and check paths use this without loading
 * the verifier.
 */
import type { PublisherClaim } from './wire.js';

export type Publisher = ForgePublisher | IdentityPublisher;

export interface ForgePublisher {
  readonly kind: 'GitHub' | 'GitLab';
  readonly issuer: string;
  readonly repository: string;
  readonly workflow: string;
  readonly repositoryId: string | null;
  readonly ownerId: string | null;
  /** Deployment Environment (.1.23), only in newer certificates; shown, never compared. */
  readonly environment: string | null;
}

export interface IdentityPublisher {
  readonly kind: 'Google' | 'Other';
  readonly issuer: string;
  readonly identity: string;
}

export function isForgePublisher(p: Publisher): p is ForgePublisher {
  return p.kind === 'GitHub' || p.kind === 'GitLab';
}

/**
 * Where the index's unsigned claim disagrees with the certificate, or null. A claim of a kind
 * we do not know, or of another kind than the certificate's, disagrees.
 */
export function claimMismatch(claim: PublisherClaim, publisher: Publisher): string | null {
  if (claim.kind !== publisher.kind) return `the index says the publisher is of kind ${JSON.stringify(claim.kind)}, the certificate says ${publisher.kind}`;
  if (isForgePublisher(publisher)) {
    if ((claim.repository ?? '').toLowerCase() !== publisher.repository.toLowerCase()) {
      return `the index says repository ${JSON.stringify(claim.repository ?? '')}, the certificate says ${publisher.repository}`;
    }
    const workflow = publisher.kind === 'GitHub' ? claim.workflow : claim.workflow_filepath;
    if (workflow !== publisher.workflow) return `the index says workflow ${JSON.stringify(workflow ?? '')}, the certificate says ${publisher.workflow}`;
    return null;
  }
  if (publisher.kind === 'Google' && claim.email !== publisher.identity) return `the index says ${JSON.stringify(claim.email ?? '')}, the certificate says ${publisher.identity}`;
  return null;
}

/** The same publisher, for the pin: kind, issuer, repository (any case), workflow, IDs; or the identity. */
export function samePublisher(a: Publisher, b: Publisher): boolean {
  if (a.kind !== b.kind || a.issuer !== b.issuer) return false;
  if (isForgePublisher(a) || isForgePublisher(b)) {
    if (!isForgePublisher(a) || !isForgePublisher(b)) return false;
    return a.repository.toLowerCase() === b.repository.toLowerCase() && a.workflow === b.workflow && a.repositoryId === b.repositoryId && a.ownerId === b.ownerId;
  }
  return a.identity === b.identity;
}

/** One line for people: `GitHub trailofbits/pypi-attestations (release.yml)`. */
export function describePublisher(p: Publisher): string {
  if (isForgePublisher(p)) {
    const ids = [p.repositoryId ? `repository id ${p.repositoryId}` : '', p.ownerId ? `owner id ${p.ownerId}` : ''].filter((s) => s !== '').join(', ');
    return `${p.kind} ${p.repository} (${p.workflow}${ids ? `; ${ids}` : ''})`;
  }
  return p.kind === 'Google' ? `Google ${p.identity}` : `${p.identity} (issuer ${p.issuer})`;
}
