/**
 * Reading a lock back: the pins (preferences for the next lock, the baseline for `check`), their
 * hashes and the regeneration command from the header. The body is a requirements file, so the
 * requirements reader parses it; nothing here edits text with regexes.
 */
import { PinHashesError } from '../errors.js';
import { registerExpandedSecrets } from '../http/redact.js';
import type { PackageName } from '../pep/names.js';
import { Version } from '../pep/version.js';
import { parseRequirementsText } from '../requirements/parse-text.js';
import { shlexSplit } from '../requirements/shlex.js';
import { parseProvenanceLine, type PackageProvenance } from '../provenance/record.js';
import { parseCooldownReference } from '../provider/cooldown.js';
import { basename } from 'node:path';
import { isPylockName } from './pylock.js';
import { readPylock } from './read-pylock.js';
import { lineKey, type LockedFile } from './model.js';

export interface ExistingPin {
  name: PackageName;
  /** The line's marker (a lock for several targets), as pin-hashes renders markers; null when none. */
  marker: string | null;
  /** From the single `==` clause; null for a direct reference. */
  version: Version | null;
  url: string | null;
  /** sha256 hex digests, lowercase, as listed. */
  hashes: string[];
  /** Its `# provenance:` line; undefined when there is none (or it is not one we wrote). */
  provenance?: PackageProvenance | undefined;
  /** File by file (pylock.toml lists them; requirements.txt lists bare hashes): filename -> sha256. */
  files?: ReadonlyMap<string, string> | undefined;
  /** The files as a pylock.toml lists them, for check to take as they are when the pin did not move. */
  entries?: readonly LockedFile[] | undefined;
  /** Its `# via` reasons (input sources like `-r requirements.in`, parent names); empty when the lock has none. */
  via?: readonly string[] | undefined;
}

export interface ExistingLock {
  /** By lineKey: one entry per line, so a name locked at two versions for two sets of targets has two. */
  pins: Map<string, ExistingPin>;
  /** The argv of the `pin-hashes lock ...` line in the header, without `pin-hashes lock`; null when absent. */
  command: string[] | null;
  /** What the lock's cooldown counted back from (epoch ms), when it had one. */
  cooldownReference?: number | undefined;
  /** The fingerprint of the inputs it was made from (api/inputs-fingerprint.ts); absent in older locks. */
  inputsSha256?: string | undefined;
}

/** The lock's pins at a version (a direct reference has none to prefer), as preferences for the next resolution. */
export function preferredPins(lock: ExistingLock): { name: PackageName; version: Version; marker: string | null }[] {
  return [...lock.pins.values()].flatMap((pin) => (pin.version === null ? [] : [{ name: pin.name, version: pin.version, marker: pin.marker }]));
}

const COMMAND_LINE = /^#\s+pin-hashes lock(?:\s(.*))?$/;

/**
 * `env`: what `${NAME}`s in the lock expand from, as pip expands them when it installs the lock
 * (a direct reference is written with its `${NAME}`s: lock/direct-url.ts). Their values are
 * masked in messages from then on.
 */
export function readLock(text: string, file: string, env: Readonly<Record<string, string | undefined>> = {}): ExistingLock {
  if (isPylockName(basename(file))) return readPylock(text, file);
  const pins = new Map<string, ExistingPin>();
  registerExpandedSecrets(text, env);
  let parsed;
  try {
    parsed = parseRequirementsText(text, file, { env });
  } catch (error) {
    throw new PinHashesError('BAD_LOCK', `${file} cannot be read as a lock: ${error instanceof Error ? error.message : String(error)}`, {
      exitCode: 2,
      hint: 'Regenerate it with pin-hashes lock, or delete it.',
      cause: error,
    });
  }
  const byLine = new Map<number, ExistingPin>();
  for (const line of parsed.lines) {
    if (line.kind !== 'requirement') continue;
    const req = line.requirement;
    const clause = req.specifier.specifiers.length === 1 ? req.specifier.specifiers[0] : undefined;
    const version = clause && (clause.operator === '==' || clause.operator === '===') ? Version.tryParse(clause.version) : null;
    const hashes = line.hashes.filter((h) => h.startsWith('sha256:')).map((h) => h.slice('sha256:'.length).toLowerCase());
    const marker = req.marker === null ? null : req.marker.toString();
    const pin: ExistingPin = { name: req.name, marker, version, url: req.url, hashes };
    pins.set(lineKey(req.name, marker), pin);
    byLine.set(line.location.line, pin);
  }
  for (const [lineNumber, notes] of annotations(text)) {
    const pin = byLine.get(lineNumber);
    if (!pin) continue;
    if (notes.provenance) pin.provenance = notes.provenance;
    pin.via = notes.via;
  }
  let command: string[] | null = null;
  for (const raw of text.split('\n')) {
    const match = COMMAND_LINE.exec(raw.trimEnd());
    if (match) {
      try {
        command = shlexSplit(match[1] ?? '');
      } catch {
        command = null;
      }
      break;
    }
    if (!raw.startsWith('#')) break;
  }
  const inputsSha256 = INPUTS_LINE.exec(text)?.[1];
  return { pins, command, cooldownReference: parseCooldownReference(text), inputsSha256 };
}

const INPUTS_LINE = /^# inputs-sha256: ([0-9a-f]{64}) /m;

interface Annotations {
  via: string[];
  provenance?: PackageProvenance | undefined;
}

/**
 * The comments under each pin, as the renderer writes them: `# via X`, `# via X, Y` (pip-compile's
 * line style), or `# via` then `#   X` lines (split style); and `# provenance: ...`. Requirement
 * lines start a package (at column 0, not a comment, not an option); its indented comments follow.
 * By the (1-based) number of the line the package starts on, as the parser numbers requirement
 * lines: one name may have several lines (one per target set).
 */
function annotations(text: string): Map<number, Annotations> {
  const found = new Map<number, Annotations>();
  let current: Annotations | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '');
    if (line !== '' && !/^[\s#-]/.test(line)) {
      current = /^[A-Za-z0-9]/.test(line) ? { via: [] } : undefined;
      if (current) found.set(index + 1, current);
      continue;
    }
    if (current === undefined || !line.startsWith('    #')) continue;
    const comment = line.slice(4);
    const provenance = parseProvenanceLine(comment);
    if (provenance !== undefined) current.provenance = provenance;
    else if (comment.startsWith('# via ')) current.via.push(...comment.slice('# via '.length).split(', ').filter((v) => v !== ''));
    else if (comment.startsWith('#   ')) current.via.push(comment.slice('#   '.length));
  }
  return found;
}
