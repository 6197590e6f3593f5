/**
 * Who published, read from the verified Fulcio leaf certificate's extensions (sigstore/fulcio
 * docs/oid-info.md), never from a SAN pattern and never from the index's unsigned claim. The
 * rules are pypi-attestations' publisher policies (ATTESTATIONS.md 1.3, 3.6):
 *
 * - GitHub: issuer `https://token.actions.githubusercontent.com`; the repository from Source
 *   Repository URI; the workflow is what Build Config URI names under
 *   `https://github.com/{repo}/.github/workflows/{workflow}@{digest or ref}` (the calling
 *   workflow, not a reusable one).
 * - GitLab: issuer `https://gitlab.com`, Build Config URI `https://gitlab.com/{repo}//{path}@{sha or ref}`.
 * - Google: issuer `https://accounts.google.com`; the identity is the SAN (an e-mail).
 * - Anything else: the issuer and the SAN as they are (kind `Other`).
 *
 * The numeric repository and owner IDs are kept: a renamed or transferred repository keeps its
 * ID, a deleted and re-registered name gets a new one.
 */
import { ASN1Obj, X509Certificate } from '@sigstore/core';
import type { Publisher } from './publisher.js';

export type { Publisher } from './publisher.js';

const OID = {
  issuerLegacy: '1.3.6.1.4.1.57264.1.1',
  issuer: '1.3.6.1.4.1.57264.1.8',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryId: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerId: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
} as const;

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITLAB_ISSUER = 'https://gitlab.com';
const GOOGLE_ISSUER = 'https://accounts.google.com';

/** Why a certificate names no publisher we can pin (it verified, but says too little). */
export class IdentityError extends Error {}

export function publisherOf(certificate: X509Certificate): Publisher {
  const issuer = utf8Extension(certificate, OID.issuer) ?? rawExtension(certificate, OID.issuerLegacy);
  if (issuer === undefined) throw new IdentityError('the certificate names no OIDC issuer');
  if (issuer === GITHUB_ISSUER) return forge(certificate, 'GitHub', issuer, 'https://github.com/', (repo) => `https://github.com/${repo}/.github/workflows/`);
  if (issuer === GITLAB_ISSUER) return forge(certificate, 'GitLab', issuer, 'https://gitlab.com/', (repo) => `https://gitlab.com/${repo}//`);
  const identity = certificate.subjectAltName;
  if (identity === undefined || identity === '') throw new IdentityError('the certificate has no e-mail or URI identity');
  return { kind: issuer === GOOGLE_ISSUER ? 'Google' : 'Other', issuer, identity };
}

/** A repository-and-workflow publisher (GitHub, GitLab), as the forge's policy reads it. */
function forge(certificate: X509Certificate, kind: 'GitHub' | 'GitLab', issuer: string, host: string, workflowPrefix: (repo: string) => string): Publisher {
  const source = required(certificate, OID.sourceRepositoryUri, 'Source Repository URI');
  if (!source.startsWith(host) || source.length === host.length) throw new IdentityError(`its Source Repository URI ${JSON.stringify(source)} is not a ${kind} repository`);
  const repository = source.slice(host.length);
  const buildConfig = required(certificate, OID.buildConfigUri, 'Build Config URI');
  const prefix = workflowPrefix(repository);
  const versions = [utf8Extension(certificate, OID.sourceRepositoryDigest), utf8Extension(certificate, OID.sourceRepositoryRef)];
  let workflow: string | undefined;
  if (buildConfig.startsWith(prefix)) {
    const rest = buildConfig.slice(prefix.length);
    for (const at of versions) {
      if (at !== undefined && at !== '' && rest.endsWith(`@${at}`) && rest.length > at.length + 1) workflow = rest.slice(0, -(at.length + 1));
    }
  }
  if (workflow === undefined) {
    throw new IdentityError(`its Build Config URI ${JSON.stringify(buildConfig)} does not name a workflow of ${repository} at the built commit or ref`);
  }
  return {
    kind,
    issuer,
    repository,
    workflow,
    repositoryId: utf8Extension(certificate, OID.sourceRepositoryId) ?? null,
    ownerId: utf8Extension(certificate, OID.sourceRepositoryOwnerId) ?? null,
    environment: utf8Extension(certificate, OID.deploymentEnvironment) ?? null,
  };
}

function required(certificate: X509Certificate, oid: string, what: string): string {
  const value = utf8Extension(certificate, oid);
  if (value === undefined || value === '') throw new IdentityError(`the certificate has no ${what} (${oid})`);
  return value;
}

/** Extensions .1.8 and up hold a DER UTF8String. */
function utf8Extension(certificate: X509Certificate, oid: string): string | undefined {
  const extension = certificate.extension(oid);
  if (extension === undefined) return undefined;
  const inner = ASN1Obj.parseBuffer(extension.value as Buffer<ArrayBuffer>);
  if (inner.tag.number !== 0x0c || inner.tag.constructed) throw new IdentityError(`the certificate's extension ${oid} is not a UTF8String`);
  return strictUtf8(inner.value, oid);
}

/** Extensions .1.1 to .1.6 hold the raw string bytes. */
function rawExtension(certificate: X509Certificate, oid: string): string | undefined {
  const extension = certificate.extension(oid);
  return extension === undefined ? undefined : strictUtf8(extension.value, oid);
}

function strictUtf8(bytes: Uint8Array, oid: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new IdentityError(`the certificate's extension ${oid} is not UTF-8`);
  }
}

