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
import { normalizeName } from '../pep/names.js';
import { parseProvenanceLine, type PackageProvenance } from '../provenance/record.js';
import { parseCooldownReference } from '../provider/cooldown.js';
import { basename } from 'node:path';
import { isPylockName } from './pylock.js';
import { readPylock } from './read-pylock.js';
import type { LockedFile } from './model.js';

export interface ExistingPin {
  name: PackageName;
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
}

export interface ExistingLock {
  pins: Map<PackageName, ExistingPin>;
  /** The argv of the `pin-hashes lock ...` line in the header, without `pin-hashes lock`; null when absent. */
  command: string[] | null;
  /** What the lock's cooldown counted back from (epoch ms), when it had one. */
  cooldownReference?: number | undefined;
}

const COMMAND_LINE = /^#\s+pin-hashes lock(?:\s(.*))?$/;

/**
 * `env`: what `${NAME}`s in the lock expand from, as pip expands them when it installs the lock
 * (a direct reference is written with its `${NAME}`s: lock/direct-url.ts). Their values are
 * masked in messages from then on.
 */
export function readLock(text: string, file: string, env: Readonly<Record<string, string | undefined>> = {}): ExistingLock {
  if (isPylockName(basename(file))) return readPylock(text, file);
  const pins = new Map<PackageName, ExistingPin>();
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
  for (const line of parsed.lines) {
    if (line.kind !== 'requirement') continue;
    const req = line.requirement;
    const clause = req.specifier.specifiers.length === 1 ? req.specifier.specifiers[0] : undefined;
    const version = clause && (clause.operator === '==' || clause.operator === '===') ? Version.tryParse(clause.version) : null;
    const hashes = line.hashes.filter((h) => h.startsWith('sha256:')).map((h) => h.slice('sha256:'.length).toLowerCase());
    pins.set(req.name, { name: req.name, version, url: req.url, hashes });
  }
  for (const [name, provenance] of provenanceLines(text)) {
    const pin = pins.get(name);
    if (pin) pin.provenance = provenance;
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
  return { pins, command, cooldownReference: parseCooldownReference(text) };
}

/** Requirement lines start a package (at column 0, not a comment, not an option); its indented comments follow. */
function provenanceLines(text: string): Map<PackageName, PackageProvenance> {
  const found = new Map<PackageName, PackageProvenance>();
  let current: PackageName | undefined;
  for (const raw of text.split('\n')) {
    if (raw !== '' && !/^[\s#-]/.test(raw)) {
      const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(raw)?.[0];
      current = name === undefined ? undefined : normalizeName(name);
      continue;
    }
    if (current === undefined || !raw.startsWith('    #')) continue;
    const provenance = parseProvenanceLine(raw.slice(4));
    if (provenance !== undefined) found.set(current, provenance);
  }
  return found;
}
