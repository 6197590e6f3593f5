/**
 * What a lock records of provenance. Per package, one comment line after its hashes (pip skips
 * comments; `check` and the next `lock` read it back):
 *
 *     # provenance: GitHub trailofbits/pypi-attestations workflow=release.yml repository-id=772247423 owner-id=2314423
 *     # provenance: GitHub org/repo workflow=release.yml unattested=pkg-1.0-cp312-cp312-win_amd64.whl
 *     # provenance: Google someone@project.iam.gserviceaccount.com
 *     # provenance: Other william@yossarian.net issuer=https://github.com/login/oauth
 *     # provenance: none
 *     # provenance: unknown
 *
 * Values are percent-encoded where they hold a space, `%`, `=` or anything outside printable
 * ASCII, so a line always splits on spaces and the lock stays ASCII.
 */
import { isForgePublisher, samePublisher, type Publisher } from './publisher.js';
import type { FileProvenance } from './file-provenance.js';

export type PackageProvenance =
  /**
   * `unattested`: the locked files of the version that have no attestation (a mixed release),
   * sorted; pinned too, so a bare file added later is noticed.
   */
  | { readonly kind: 'attested'; readonly publisher: Publisher; readonly unattested: readonly string[] }
  /** No file of the version has provenance. */
  | { readonly kind: 'none' }
  /** The index did not say (403, 5xx, network): neither proof nor its absence. */
  | { readonly kind: 'unknown' };

const PREFIX = '# provenance: ';

/** The package's provenance from its files' (invalid ones never get here: they fail the lock). */
export function packageProvenance(files: readonly { filename: string; provenance: FileProvenance }[]): { provenance: PackageProvenance; twoPublishers?: [Publisher, Publisher] } {
  const verified = files.flatMap((f) => (f.provenance.kind === 'verified' ? [f.provenance.publisher] : []));
  const first = verified[0];
  if (first !== undefined) {
    const unattested = files.filter((f) => f.provenance.kind !== 'verified').map((f) => f.filename).sort();
    const provenance: PackageProvenance = { kind: 'attested', publisher: first, unattested };
    const other = verified.find((p) => !samePublisher(p, first));
    return other ? { provenance, twoPublishers: [first, other] } : { provenance };
  }
  return { provenance: files.some((f) => f.provenance.kind === 'unknown') ? { kind: 'unknown' } : { kind: 'none' } };
}

/** The comment line, without indentation. */
export function provenanceLine(provenance: PackageProvenance): string {
  if (provenance.kind !== 'attested') return PREFIX + provenance.kind;
  const bare = provenance.unattested.length > 0 ? ` unattested=${provenance.unattested.map(enc).join(',')}` : '';
  return PREFIX + describeForLine(provenance.publisher) + bare;
}

function describeForLine(p: Publisher): string {
  if (isForgePublisher(p)) {
    const parts = [p.kind, enc(p.repository), `workflow=${enc(p.workflow)}`];
    if (p.repositoryId !== null) parts.push(`repository-id=${enc(p.repositoryId)}`);
    if (p.ownerId !== null) parts.push(`owner-id=${enc(p.ownerId)}`);
    if (p.environment !== null && p.environment !== '') parts.push(`environment=${enc(p.environment)}`);
    return parts.join(' ');
  }
  return p.kind === 'Google' ? `Google ${enc(p.identity)}` : `Other ${enc(p.identity)} issuer=${enc(p.issuer)}`;
}

const KNOWN_FIELDS = new Set(['workflow', 'repository-id', 'owner-id', 'environment', 'issuer']);

const ISSUERS: Record<string, string> = {
  GitHub: 'https://token.actions.githubusercontent.com',
  GitLab: 'https://gitlab.com',
  Google: 'https://accounts.google.com',
};

/** Reads a comment line back; undefined when it is not one of ours (or was edited into nonsense). */
export function parseProvenanceLine(comment: string): PackageProvenance | undefined {
  const text = comment.trim();
  if (!text.startsWith(PREFIX)) return undefined;
  const [kind, subject, ...rest] = text.slice(PREFIX.length).trim().split(/ +/);
  if ((kind === 'none' || kind === 'unknown') && subject === undefined) return { kind };
  if (kind === undefined || subject === undefined) return undefined;
  const fields = new Map<string, string>();
  let unattested: string[] = [];
  for (const part of rest) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    // A line we did not write (a repeated or unknown field) is no record: it is rewritten.
    if (eq <= 0 || fields.has(key)) return undefined;
    if (key === 'unattested') {
      const names = part.slice(eq + 1).split(',').map(dec);
      if (names.some((n) => n === undefined)) return undefined;
      unattested = (names as string[]).sort();
      fields.set(key, '');
      continue;
    }
    const value = dec(part.slice(eq + 1));
    if (value === undefined || !KNOWN_FIELDS.has(key)) return undefined;
    fields.set(key, value);
  }
  const identity = dec(subject);
  if (identity === undefined) return undefined;
  if (kind === 'GitHub' || kind === 'GitLab') {
    const workflow = fields.get('workflow');
    if (workflow === undefined) return undefined;
    const publisher: Publisher = {
      kind,
      issuer: ISSUERS[kind]!,
      repository: identity,
      workflow,
      repositoryId: fields.get('repository-id') ?? null,
      ownerId: fields.get('owner-id') ?? null,
      environment: fields.get('environment') ?? null,
    };
    return { kind: 'attested', publisher, unattested };
  }
  if (kind === 'Google') return { kind: 'attested', publisher: { kind, issuer: ISSUERS[kind]!, identity }, unattested };
  const issuer = fields.get('issuer');
  if (kind === 'Other' && issuer !== undefined) return { kind: 'attested', publisher: { kind, issuer, identity }, unattested };
  return undefined;
}

function enc(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte > 0x20 && byte < 0x7f && c !== '%' && c !== '=' && c !== ',' ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function dec(value: string): string | undefined {
  if (value === '' || /%(?![0-9A-F]{2})/.test(value)) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
