/**
 * A release cooldown (`--exclude-newer`, as uv's `exclude-newer` and pip 26's
 * `--uploaded-prior-to`): files uploaded after the cutoff do not exist for resolution. Most
 * malicious releases are found and removed within days, so a lock that only takes files a week
 * old would have missed most of them. A duration is kept as a duration (the lock records it, not
 * a date that would freeze a bot's updates) and counts back from the run's reference time: now for
 * `lock`, the time the lock was made for `check`, so a lock does not go stale as days pass.
 * Direct references (`name @ url`) are exempt: the user chose that file.
 */
import { PinHashesError } from '../errors.js';
import type { IndexedFile } from '../package-index/types.js';
import { normalizeName, type PackageName } from '../pep/names.js';

export type CooldownSpec = { readonly text: string; readonly kind: 'date'; readonly at: number } | { readonly text: string; readonly kind: 'duration'; readonly ms: number };

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SHORT = /^(\d{1,6})([smhdw])$/;
const ISO_DURATION = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,6})S)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** `7d`, `12h`, `2w`, `P7D`, `PT36H`, `2026-11-01` (midnight UTC) or an RFC 3339 date-time. */
export function parseCooldown(text: string, flag = '--exclude-newer'): CooldownSpec {
  const short = SHORT.exec(text);
  if (short) return { text, kind: 'duration', ms: Number(short[1]) * UNIT_MS[short[2]!]! };
  const iso = ISO_DURATION.exec(text);
  if (iso && text !== 'P' && !text.endsWith('T')) {
    const [w, d, h, m, s] = iso.slice(1).map((n) => Number(n ?? 0)) as [number, number, number, number, number];
    return { text, kind: 'duration', ms: w * UNIT_MS['w']! + d * UNIT_MS['d']! + h * UNIT_MS['h']! + m * UNIT_MS['m']! + s * UNIT_MS['s']! };
  }
  const date = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (date) {
    const at = Date.parse(DATE.test(text) ? `${text}T00:00:00Z` : text);
    const back = new Date(at);
    // Date.parse rolls 2026-02-30 over into March: not a date.
    if (Number.isFinite(at) && (!DATE.test(text) || (back.getUTCMonth() + 1 === Number(date[2]) && back.getUTCDate() === Number(date[3])))) return { text, kind: 'date', at };
  }
  throw new PinHashesError('BAD_SETTING', `${flag} ${JSON.stringify(text)} is neither a duration nor a date`, {
    exitCode: 2,
    hint: 'Give a duration (7d, 12h, 2w, P7D, PT36H) or a date (2026-11-01, 2026-11-01T12:00:00Z).',
  });
}

export interface Cooldown {
  /** What durations count back from (epoch ms). */
  readonly reference: number;
  readonly global: CooldownSpec | null;
  /** `NAME=DURATION|DATE|false` exceptions; false: no cooldown for that package. */
  readonly perPackage: ReadonlyMap<PackageName, CooldownSpec | false>;
  /** Keep files the index gives no upload time for. */
  readonly allowUnknown: boolean;
}

/** The cutoff (epoch ms) for a project, or null when no cooldown applies to it. */
export function cutoffFor(cooldown: Cooldown, name: PackageName): number | null {
  const spec = cooldown.perPackage.has(name) ? cooldown.perPackage.get(name)! : cooldown.global;
  if (spec === false || spec === null) return null;
  return spec.kind === 'date' ? spec.at : cooldown.reference - spec.ms;
}

export function makeCooldown(options: { excludeNewer?: string | undefined; excludeNewerPackages?: readonly string[] | undefined; excludeNewerAllowUnknown?: boolean | undefined }, reference: number): Cooldown | null {
  const global = options.excludeNewer === undefined ? null : parseCooldown(options.excludeNewer);
  const perPackage = new Map<PackageName, CooldownSpec | false>();
  for (const entry of options.excludeNewerPackages ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new PinHashesError('BAD_SETTING', `--exclude-newer-package ${JSON.stringify(entry)} is not NAME=DURATION, NAME=DATE or NAME=false`, {
        exitCode: 2,
        hint: 'For example --exclude-newer-package urllib3=false takes a security fix released today.',
      });
    }
    const value = entry.slice(eq + 1);
    perPackage.set(normalizeName(entry.slice(0, eq)), value === 'false' ? false : parseCooldown(value, '--exclude-newer-package'));
  }
  if (global === null && perPackage.size === 0) return null;
  return { reference, global, perPackage, allowUnknown: options.excludeNewerAllowUnknown ?? false };
}

/**
 * The project's files that exist under the cooldown. `onUnknown` is told of each source whose
 * files carry no upload time (an HTML-only index, a find-links folder) when they are left out.
 */
export function filesBeforeCutoff(name: PackageName, files: readonly IndexedFile[], cooldown: Cooldown, onUnknown: (source: string) => void): IndexedFile[] {
  return splitByCutoff(name, files, cooldown, onUnknown).kept;
}

/** The files kept, and those left out (with whether for want of an upload time). */
export function splitByCutoff(
  name: PackageName,
  files: readonly IndexedFile[],
  cooldown: Cooldown,
  onUnknown: (source: string) => void,
): { kept: IndexedFile[]; left: { file: IndexedFile; unknown: boolean }[]; cutoff: number | null } {
  const cutoff = cutoffFor(cooldown, name);
  if (cutoff === null) return { kept: [...files], left: [], cutoff };
  const kept: IndexedFile[] = [];
  const left: { file: IndexedFile; unknown: boolean }[] = [];
  for (const file of files) {
    if (file.uploadTime !== null ? file.uploadTime <= cutoff : cooldown.allowUnknown) kept.push(file);
    else {
      if (file.uploadTime === null) onUnknown(file.source);
      left.push({ file, unknown: file.uploadTime === null });
    }
  }
  return { kept, left, cutoff };
}

export { iso as cooldownTime };

/** The header line; parseCooldownLine reads its reference time back for `check`. */
export function cooldownLine(cooldown: Cooldown): string {
  const global = cooldown.global;
  const what = global === null ? 'per package only' : global.kind === 'date' ? `files uploaded after ${iso(global.at)} excluded` : `files uploaded within ${global.text} of ${iso(cooldown.reference)} excluded (after ${iso(cooldown.reference - global.ms)})`;
  return `# cooldown: ${what}; reference ${iso(cooldown.reference)}`;
}

const LINE = /^# cooldown: .*; reference (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

export function parseCooldownReference(lockText: string): number | undefined {
  for (const raw of lockText.split('\n')) {
    if (!raw.startsWith('#')) break;
    const match = LINE.exec(raw.trimEnd());
    if (match) return Date.parse(match[1]!);
  }
  return undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** For `--json`: the spec, the reference and the cutoffs used, as dates. */
export function cooldownJson(cooldown: Cooldown): Record<string, unknown> {
  const global = cooldown.global;
  return {
    excludeNewer: global?.text ?? null,
    reference: iso(cooldown.reference),
    cutoff: global === null ? null : iso(global.kind === 'date' ? global.at : cooldown.reference - global.ms),
    packages: Object.fromEntries(
      [...cooldown.perPackage].map(([name, spec]) => [name, spec === false ? null : { excludeNewer: spec.text, cutoff: iso(spec.kind === 'date' ? spec.at : cooldown.reference - spec.ms) }]),
    ),
    allowUnknown: cooldown.allowUnknown,
  };
}
