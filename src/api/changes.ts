/**
 * What a re-lock changed, for the summary `lock` prints: versions up and down, packages added
 * and removed, and hashes added or removed for a version that stayed (a new file uploaded to it,
 * or a file gone).
 */
import { lockedDirectUrl } from '../lock/direct-url.js';
import type { LockedPackage } from '../lock/model.js';
import type { ExistingPin } from '../lock/read.js';
import type { PackageName } from '../pep/names.js';

export type PinChange =
  | { kind: 'added'; name: PackageName; version: string }
  | { kind: 'removed'; name: PackageName; version: string }
  | { kind: 'upgraded' | 'downgraded' | 'changed'; name: PackageName; from: string; to: string }
  | { kind: 'files'; name: PackageName; version: string; added: { sha256: string; filename: string }[]; removed: string[] };

export function diffPins(
  before: ReadonlyMap<PackageName, ExistingPin>,
  after: readonly LockedPackage[],
  filenames: ReadonlyMap<string, string>,
): PinChange[] {
  const changes: PinChange[] = [];
  const seen = new Set<PackageName>();
  for (const pkg of after) {
    seen.add(pkg.name);
    const old = before.get(pkg.name);
    const now = pinText(pkg.version.toString(), pkg.url);
    if (!old) {
      changes.push({ kind: 'added', name: pkg.name, version: now });
      continue;
    }
    const was = pinText(old.version?.toString() ?? null, old.url === null ? null : lockedDirectUrl(old.url));
    if (was !== now) {
      const a = old.version;
      const b = pkg.url === null ? pkg.version : null;
      const kind = a && b ? (b.compare(a) > 0 ? 'upgraded' : 'downgraded') : 'changed';
      changes.push({ kind, name: pkg.name, from: was, to: now });
      continue;
    }
    const oldHashes = new Set(old.hashes);
    const newHashes = new Set(pkg.files.map((f) => f.sha256));
    const added = [...newHashes].filter((h) => !oldHashes.has(h)).map((sha256) => ({ sha256, filename: filenames.get(sha256) ?? '' }));
    const removed = [...oldHashes].filter((h) => !newHashes.has(h));
    if (added.length > 0 || removed.length > 0) changes.push({ kind: 'files', name: pkg.name, version: now, added, removed });
  }
  for (const [name, old] of before) {
    if (!seen.has(name)) changes.push({ kind: 'removed', name, version: pinText(old.version?.toString() ?? null, old.url === null ? null : lockedDirectUrl(old.url)) });
  }
  return changes.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** `url`: as the lock writes it (the old pin's is read expanded: shown as the new one is, with its `${NAME}`s). */
function pinText(version: string | null, url: string | null): string {
  return url ?? version ?? '?';
}

export function describeChange(change: PinChange): string {
  switch (change.kind) {
    case 'added':
      return `+ ${change.name} ${change.version} (new)`;
    case 'removed':
      return `- ${change.name} ${change.version} (no longer needed)`;
    case 'upgraded':
    case 'downgraded':
    case 'changed':
      return `~ ${change.name} ${change.from} -> ${change.to}${change.kind === 'changed' ? '' : ` (${change.kind})`}`;
    case 'files': {
      const parts: string[] = [];
      for (const a of change.added) parts.push(`+ hash for ${a.filename || a.sha256.slice(0, 12)} (new file)`);
      for (const r of change.removed) parts.push(`- hash ${r.slice(0, 12)}... (file gone from the index)`);
      return `~ ${change.name} ${change.version}: ${parts.join(', ')}`;
    }
  }
}
