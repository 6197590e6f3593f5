/**
 * `--hash` options in the inputs, honoured as pip honours them in hash-checking mode: a file may
 * be installed only when its digest is among them. pip-compile users keep hashes in their inputs
 * as pins of the bytes they reviewed; a locker that silently replaced them with whatever the
 * index serves today would undo exactly that review.
 *
 * pip's rules (PROTOCOLS.md 6.3, pip's `Hashes.__and__`): the hashes of one requirement line are
 * ORed; lines naming the same project (requirements and -c constraints alike) are intersected
 * per algorithm, lines without hashes not counting. We compute and lock sha256, so we check
 * sha256 options; a sha384/sha512 option is refused with a clear message rather than ignored,
 * since ignoring it could lock a file pip would refuse, or drop one it would accept.
 */
import { PinHashesError } from '../errors.js';
import type { MarkerEnvironment } from '../pep/markers.js';
import type { PackageName } from '../pep/names.js';
import { formatLocation } from '../requirements/input-error.js';
import type { InputRequirement } from '../requirements/read-files.js';

export interface AllowedHashes {
  /** Lowercase hex: pip ≥ 24.2 compares case-insensitively, and our digests are lowercase. */
  readonly sha256: ReadonlySet<string>;
  /** `file:line` of each line that contributed, for messages. */
  readonly sources: readonly string[];
}

export function allowedHashesOf(inputs: readonly InputRequirement[], environment: MarkerEnvironment): Map<PackageName, AllowedHashes> {
  const byName = new Map<PackageName, { sha256: Set<string>; sources: string[] }>();
  for (const input of inputs) {
    if (input.hashes.length === 0) continue;
    // pip drops a line whose marker does not hold for the target before it looks at its hashes
    // (one line per platform, each with its own --hash, is a common pip-compile output).
    const marker = input.requirement.marker;
    if (marker !== null && !marker.evaluate(environment, '')) continue;
    const sha256 = new Set<string>();
    for (const hash of input.hashes) {
      const [algorithm, hex = ''] = hash.split(':', 2);
      if (algorithm !== 'sha256') {
        throw new PinHashesError('UNSUPPORTED_HASH_OPTION', `${formatLocation(input.location)}: --hash=${algorithm}:... cannot be checked: pin-hashes computes and locks sha256 digests`, {
          exitCode: 2,
          hint: `Replace the ${algorithm} options of this line by the files' sha256 digests (sha256sum <file>, or the lock pin-hashes writes without them).`,
        });
      }
      sha256.add(hex.toLowerCase());
    }
    const name = input.requirement.name;
    const seen = byName.get(name);
    if (seen === undefined) byName.set(name, { sha256, sources: [formatLocation(input.location)] });
    else {
      for (const hex of seen.sha256) if (!sha256.has(hex)) seen.sha256.delete(hex);
      seen.sources.push(formatLocation(input.location));
    }
  }
  return byName;
}

export interface HashedFile {
  readonly filename: string;
  readonly sha256: string;
}

/**
 * The files of a pin that the inputs' hashes allow. Files left out are named in a warning (a new
 * upload the hashes predate is normal; pip would not install it either); no file left is an
 * error that the user must look at (exit 1), since the index serves other bytes than those the
 * hashes were made from, or the pin moved away from them.
 */
export function filterByInputHashes<T extends HashedFile>(
  pin: string,
  files: readonly T[],
  allowed: AllowedHashes,
  warnings: string[],
): T[] {
  const kept = files.filter((file) => allowed.sha256.has(file.sha256));
  const where = allowed.sources.join(', ');
  if (kept.length === 0) {
    const shown = files.slice(0, 6).map((file) => `${file.filename || '(file)'} sha256:${file.sha256}`);
    if (files.length > shown.length) shown.push(`... and ${files.length - shown.length} more`);
    throw new PinHashesError(
      'HASH_NOT_ALLOWED',
      `${pin}: none of its files has a digest the --hash options of ${where} allow; pip would refuse to install it.\n  computed: ${shown.join('\n            ')}`,
      {
        exitCode: 1,
        hint:
          'If you changed the version or the project published new files, update those --hash options; if not, the index now serves other bytes than the ones the hashes were made from: find out why before trusting it.',
      },
    );
  }
  for (const file of files) {
    if (!kept.includes(file)) warnings.push(`${pin}: ${file.filename || `sha256:${file.sha256}`} is left out of the lock: its sha256 is not among the --hash options of ${where}`);
  }
  return kept;
}
