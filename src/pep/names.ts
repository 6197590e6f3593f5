/**
 * Project and extra names (PEP 503 normalisation, core-metadata `Name` validity, PEP 685 extras).
 *
 * Traps:
 * - Normalisation lowercases and turns every run of `-`, `_` and `.` into one `-`. It does not
 *   validate: `_not_legal` becomes `-not-legal` and `hi\n` stays `hi\n` (packaging does the same).
 * - Validity is ASCII only: `^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`, case-insensitive.
 * - "Already normalised" means lowercase ASCII runs joined by single dashes; `a--b` is not.
 * - Extras compare after the same normalisation on both sides (PEP 685), so `Foo_Bar` matches
 *   `foo-bar` and `foo.bar`.
 */

export type PackageName = string & { readonly __brand: 'PackageName' };

/** The name normalisation of PEP 503, code point by code point (linear time). */
function collapseSeparators(name: string): string {
  let out = '';
  let lastWasSeparator = false;
  for (const ch of name.toLowerCase()) {
    if (ch === '-' || ch === '_' || ch === '.') {
      if (!lastWasSeparator) out += '-';
      lastWasSeparator = true;
    } else {
      out += ch;
      lastWasSeparator = false;
    }
  }
  return out;
}

export function normalizeName(name: string): PackageName {
  // The one place a PackageName is minted: the brand records that normalisation happened.
  return collapseSeparators(name) as PackageName;
}

const VALID_NAME = /^(?:[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const NORMALIZED_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** True when `normalizeName(name) === name` and the name is valid. */
export function isNormalizedName(name: string): boolean {
  return NORMALIZED_NAME.test(name);
}

/** PEP 685: extras normalise exactly like project names. */
export function normalizeExtra(name: string): string {
  return collapseSeparators(name);
}
