/**
 * The requirements.txt renderer: a pure function of the lock. The shape follows pip-compile's
 * (users know it) and pip 23's hash-checking rules: sorted names, one `==` clause, lowercase
 * sorted hashes, `\` with nothing after it, comments only after the last hash line, ASCII, `\n`,
 * and the file's own digest in the header (lock-digest.ts).
 */
import { forTargets, sortPackages, type Lock, type LockedPackage } from './model.js';
import { provenanceLine } from '../provenance/record.js';
import { cooldownLine } from '../provider/cooldown.js';
import { digestPlaceholder, seal } from './lock-digest.js';

export function renderRequirementsTxt(lock: Lock): string {
  const lines: string[] = [
    '#',
    ...forTargets(lock.header).map((line) => `# ${line}`),
    '# To update, run:',
    '#',
    `#    ${lock.header.command}`,
    '#',
  ];
  for (const index of lock.header.indexes) lines.push(`# index: ${index}`);
  if (lock.header.indexes.length > 0) lines.push('#');
  const trust = lock.header.trustRootSha256;
  lines.push(trust === null ? '# attestations: not verified (--no-verify-attestations)' : `# attestations: PEP 740, verified with Sigstore trust root sha256:${trust}`, '#');
  if (lock.header.cooldown) lines.push(cooldownLine(lock.header.cooldown), '#');
  if (lock.header.inputsSha256 !== undefined) lines.push(`# inputs-sha256: ${lock.header.inputsSha256} (check --offline compares it with the inputs)`);
  lines.push(digestPlaceholder('requirements-txt'), '#');
  // pip-compile's place for them: after the header, a blank line before the pins.
  const pipOptions = lock.header.pipOptions ?? [];
  if (pipOptions.length > 0) lines.push(...pipOptions, '');
  const annotations = lock.header.annotations ?? 'split';
  const packages = sortPackages(lock.packages);
  for (const pkg of packages) lines.push(...renderPackage(pkg, annotations));
  return seal(lines.join('\n') + '\n', 'requirements-txt');
}

function renderPackage(pkg: LockedPackage, annotations: 'split' | 'line' | 'none'): string[] {
  const pin = pkg.url === null ? `${pkg.name}==${pkg.version}` : `${pkg.name} @ ${pkg.url}`;
  // pip skips a line whose marker is false where it installs, before it looks at the hashes.
  // After a URL the space before `;` is required (pip would read the `;` as part of the URL).
  const head = pkg.marker === undefined ? pin : `${pin} ; ${pkg.marker}`;
  const hashes = [...new Set(pkg.files.map((f) => f.sha256.toLowerCase()))].sort();
  const out: string[] = [];
  if (hashes.length === 0) out.push(head);
  else {
    out.push(`${head} \\`);
    hashes.forEach((hash, i) => out.push(`    --hash=sha256:${hash}${i < hashes.length - 1 ? ' \\' : ''}`));
  }
  const via = annotations === 'none' ? [] : sortVia(pkg.via);
  if (via.length === 1 || (annotations === 'line' && via.length > 0)) out.push(`    # via ${via.join(', ')}`);
  else if (via.length > 1) {
    out.push('    # via');
    for (const v of via) out.push(`    #   ${v}`);
  }
  if (pkg.provenance) out.push(`    ${provenanceLine(pkg.provenance)}`);
  return out;
}

/** Input files first (`-r`, `-c`), then package names, each group sorted. */
function sortVia(via: readonly string[]): string[] {
  const sources = via.filter((v) => v.startsWith('-')).sort();
  const parents = via.filter((v) => !v.startsWith('-')).sort();
  return [...new Set([...sources, ...parents])];
}
