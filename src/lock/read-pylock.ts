/**
 * Reading a pylock.toml we wrote back: its pins (preferences for the next lock, the baseline of
 * `check`), file by file, and the regeneration command and cooldown reference from its
 * `[tool.pin-hashes]` table. A pylock written by another tool has no such table: it is refused
 * (check has nothing to regenerate from), but its pins still serve `lock` as preferences.
 */
import { parse } from 'smol-toml';
import { PinHashesError } from '../errors.js';
import { normalizeName } from '../pep/names.js';
import { Version } from '../pep/version.js';
import { parseProvenanceLine } from '../provenance/record.js';
import { canonicalMarker, lineKey, type LockedFile } from './model.js';
import type { ExistingLock, ExistingPin } from './read.js';

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

export function readPylock(text: string, file: string): ExistingLock {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (error) {
    throw new PinHashesError('BAD_LOCK', `${file} cannot be read as a pylock.toml: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      exitCode: 2,
      hint: 'Regenerate it with pin-hashes lock, or delete it.',
    });
  }
  const pins = new Map<string, ExistingPin>();
  for (const entry of Array.isArray(doc['packages']) ? doc['packages'] : []) {
    if (!isTable(entry) || typeof entry['name'] !== 'string') continue;
    const name = normalizeName(entry['name']);
    const tool = isTable(entry['tool']) && isTable(entry['tool']['pin-hashes']) ? entry['tool']['pin-hashes'] : {};
    const files = new Map<string, string>();
    const entries: LockedFile[] = [];
    const notes = new Map<string, string>();
    for (const item of Array.isArray(tool['evidence']) ? tool['evidence'] : []) {
      if (isTable(item) && typeof item['file'] === 'string' && typeof item['evidence'] === 'string') notes.set(item['file'], item['evidence']);
    }
    const archives = [...(Array.isArray(entry['wheels']) ? entry['wheels'] : []), ...(entry['sdist'] === undefined ? [] : [entry['sdist']])];
    for (const archive of archives) {
      if (!isTable(archive) || !isTable(archive['hashes'])) continue;
      const sha256 = archive['hashes']['sha256'];
      const url = typeof archive['url'] === 'string' ? archive['url'] : '';
      const filename = typeof archive['name'] === 'string' ? archive['name'] : (url.split('/').pop() ?? '');
      if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) continue;
      files.set(filename, sha256.toLowerCase());
      const uploaded = archive['upload-time'];
      entries.push({
        filename,
        url,
        sha256: sha256.toLowerCase(),
        size: typeof archive['size'] === 'number' ? archive['size'] : 0,
        evidence: [],
        uploadTime: uploaded instanceof Date ? uploaded.getTime() : null,
        evidenceNote: notes.get(filename) ?? '',
      });
    }
    const provenance = typeof tool['provenance'] === 'string' ? parseProvenanceLine(`# provenance: ${tool['provenance']}`) : undefined;
    // A direct reference is compared by URL (api/pipeline.ts sameTarget), as in requirements.txt.
    const directUrl = typeof tool['direct-url'] === 'string' ? tool['direct-url'] : null;
    // A marker that does not parse is kept as written: no target's line has it, so check sees the change.
    const marker = typeof entry['marker'] === 'string' ? (canonicalMarker(entry['marker']) ?? entry['marker']) : null;
    pins.set(lineKey(name, marker), {
      name,
      marker,
      version: directUrl === null && typeof entry['version'] === 'string' ? Version.tryParse(entry['version']) : null,
      url: directUrl,
      hashes: [...new Set(files.values())],
      provenance,
      files,
      entries,
      via: strings(tool['via']) ?? [],
    });
  }
  const tool = isTable(doc['tool']) && isTable(doc['tool']['pin-hashes']) ? doc['tool']['pin-hashes'] : undefined;
  const reference = typeof tool?.['cooldown-reference'] === 'string' ? Date.parse(tool['cooldown-reference']) : Number.NaN;
  const inputsSha256 = typeof tool?.['inputs-sha256'] === 'string' ? tool['inputs-sha256'] : undefined;
  return { pins, command: strings(tool?.['command']) ?? null, cooldownReference: Number.isFinite(reference) ? reference : undefined, inputsSha256 };
}
