/**
 * What a re-lock changed, for the summary `lock` prints: versions up and down, packages added
 * and removed, and hashes added or removed for a version that stayed (a new file uploaded to it,
 * or a file gone).
 */
import { lockedDirectUrl } from '../lock/direct-url.js';
import { lineKey, type LockedPackage } from '../lock/model.js';
import type { ExistingPin } from '../lock/read.js';
import type { PackageName } from '../pep/names.js';

/** `marker`: the line's, in a lock for several targets (lock lines of one name differ by it). */
export type PinChange = (
  | { kind: 'added'; name: PackageName; version: string }
  | { kind: 'removed'; name: PackageName; version: string }
  | { kind: 'upgraded' | 'downgraded' | 'changed'; name: PackageName; from: string; to: string }
  | { kind: 'files'; name: PackageName; version: string; added: { sha256: string; filename: string }[]; removed: string[] }
) & { marker?: string };

/**
 * `before` by lineKey (lock/model.ts): a line of a lock for several targets is compared with the
 * line of the same name and marker, so a change is that line's (its name shown with the marker).
 */
export function diffPins(
  before: ReadonlyMap<string, ExistingPin>,
  after: readonly LockedPackage[],
  filenames: ReadonlyMap<string, string>,
): PinChange[] {
  const changes: PinChange[] = [];
  const seen = new Set<string>();
  for (const pkg of after) {
    const key = lineKey(pkg.name, pkg.marker);
    seen.add(key);
    const old = before.get(key);
    const name = pkg.name;
    const marker = pkg.marker === undefined ? {} : { marker: pkg.marker };
    const now = pinText(pkg.version.toString(), pkg.url);
    if (!old) {
      changes.push({ kind: 'added', name, version: now, ...marker });
      continue;
    }
    const was = pinText(old.version?.toString() ?? null, old.url === null ? null : lockedDirectUrl(old.url));
    if (was !== now) {
      const a = old.version;
      const b = pkg.url === null ? pkg.version : null;
      const kind = a && b ? (b.compare(a) > 0 ? 'upgraded' : 'downgraded') : 'changed';
      changes.push({ kind, name, from: was, to: now, ...marker });
      continue;
    }
    const oldHashes = new Set(old.hashes);
    const newHashes = new Set(pkg.files.map((f) => f.sha256));
    const added = [...newHashes].filter((h) => !oldHashes.has(h)).map((sha256) => ({ sha256, filename: filenames.get(sha256) ?? '' }));
    const removed = [...oldHashes].filter((h) => !newHashes.has(h));
    if (added.length > 0 || removed.length > 0) changes.push({ kind: 'files', name, version: now, added, removed, ...marker });
  }
  for (const [key, old] of before) {
    if (seen.has(key)) continue;
    const version = pinText(old.version?.toString() ?? null, old.url === null ? null : lockedDirectUrl(old.url));
    changes.push({ kind: 'removed', name: old.name, version, ...(old.marker === null ? {} : { marker: old.marker }) });
  }
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return changes.sort((x, y) => order(x.name, y.name) || order(x.marker ?? '', y.marker ?? ''));
}

/** `url`: as the lock writes it (the old pin's is read expanded: shown as the new one is, with its `${NAME}`s). */
function pinText(version: string | null, url: string | null): string {
  return url ?? version ?? '?';
}

export function describeChange(change: PinChange): string {
  const described = describeLine(change);
  return change.marker === undefined ? described : `${described} ; ${change.marker}`;
}

function describeLine(change: PinChange): string {
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
