/**
 * Which member of a wheel is its METADATA, by pip's rule (pip/_internal/utils/wheel.py,
 * wheel_dist_info_dir): exactly one top-level `*.dist-info` directory among all names, whose
 * canonical name starts with the project's, and `<dir>/METADATA` in it. Shared by the archive
 * reader (ladder.ts) and the streaming scanner's confirmation (cross-check.ts), so both pick the
 * same member. Names are also split at `\`, as pip on Windows sees them (zipfile turns `\` into
 * `/` there): a wheel that has another dist-info directory on Windows is refused everywhere.
 */
import { normalizeName, type PackageName } from '../pep/names.js';
import type { ZipEntry } from './zip.js';

export type WheelLayout =
  | { ok: true; dir: string; entry: ZipEntry }
  | { ok: false; problem: string; notAWheel: boolean };

export function wheelMetadataEntry(entries: readonly ZipEntry[], project: PackageName): WheelLayout {
  const distInfos = new Set<string>();
  for (const entry of entries) {
    for (const name of [entry.name, entry.name.replaceAll('\\', '/')]) {
      const top = name.split('/')[0] ?? '';
      if (top.endsWith('.dist-info')) distInfos.add(top);
    }
  }
  if (distInfos.size !== 1) {
    return {
      ok: false,
      problem: distInfos.size === 0 ? 'the wheel has no .dist-info directory' : `the wheel has ${distInfos.size} .dist-info directories`,
      notAWheel: true,
    };
  }
  const [dir = ''] = distInfos;
  if (!normalizeName(dir).startsWith(normalizeName(project))) return { ok: false, problem: `the wheel's ${dir} does not belong to ${project}`, notAWheel: false };
  const entry = entries.find((e) => e.name === `${dir}/METADATA`);
  if (!entry) return { ok: false, problem: `the wheel has no ${dir}/METADATA`, notAWheel: true };
  return { ok: true, dir, entry };
}
