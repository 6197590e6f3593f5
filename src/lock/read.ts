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
  /** Its `# via` reasons (input sources like `-r requirements.in`, parent names); empty when the lock has none. */
  via?: readonly string[] | undefined;
}

export interface ExistingLock {
  pins: Map<PackageName, ExistingPin>;
  /** The argv of the `pin-hashes lock ...` line in the header, without `pin-hashes lock`; null when absent. */
  command: string[] | null;
  /** What the lock's cooldown counted back from (epoch ms), when it had one. */
  cooldownReference?: number | undefined;
  /** The fingerprint of the inputs it was made from (api/inputs-fingerprint.ts); absent in older locks. */
  inputsSha256?: string | undefined;
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
  for (const [name, notes] of annotations(text)) {
    const pin = pins.get(name);
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
 */
function annotations(text: string): Map<PackageName, Annotations> {
  const found = new Map<PackageName, Annotations>();
  let current: Annotations | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line !== '' && !/^[\s#-]/.test(line)) {
      const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
      current = name === undefined ? undefined : { via: [] };
      if (name !== undefined && current) found.set(normalizeName(name), current);
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
