/** The one line a lock run says about provenance: how many packages are attested, by what kind of publisher, and which are not. */
import type { Lock } from '../lock/model.js';

const LISTED = 8;

export function provenanceSummary(lock: Lock): string {
  if (lock.header.trustRootSha256 === null) return 'Attestations were not verified (--no-verify-attestations).';
  const kinds = new Map<string, number>();
  const bare: string[] = [];
  const unknown: string[] = [];
  for (const pkg of [...lock.packages].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = pkg.provenance;
    if (p?.kind === 'attested') kinds.set(p.publisher.kind, (kinds.get(p.publisher.kind) ?? 0) + 1);
    else if (p?.kind === 'unknown') unknown.push(pkg.name);
    else bare.push(pkg.name);
  }
  const attested = [...kinds.values()].reduce((a, b) => a + b, 0);
  const total = lock.packages.length;
  const byKind = [...kinds].sort(([a], [b]) => (a < b ? -1 : 1)).map(([kind, n]) => `${kind} ${n}`).join(', ');
  // An index without attestations (most private ones): one short line, no list of every package.
  if (attested === 0 && unknown.length === 0) return `Provenance: no package has PEP 740 attestations (${total} checked).`;
  const parts = [`Provenance: ${attested} of ${total} package${total === 1 ? '' : 's'} attested${byKind ? ` (${byKind})` : ''}`];
  if (bare.length > 0) parts.push(`no attestations: ${list(bare)}`);
  if (unknown.length > 0) parts.push(`not known (the index did not answer): ${list(unknown)}`);
  return parts.join('; ') + '.';
}

function list(names: readonly string[]): string {
  return names.length <= LISTED ? names.join(', ') : `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more`;
}
