// pip's FormatControl (models/format_control.py): which of wheel / sdist may be used per project.
// `--no-binary` and `--only-binary` share one object because each removes names from the other.
import { normalizeName, type PackageName } from '../pep/names.js';
import { PinHashesError } from '../errors.js';

export type DistributionKind = 'wheel' | 'sdist';

const ALL = ':all:';
const NONE = ':none:';

export class FormatControl {
  readonly #noBinary = new Set<string>();
  readonly #onlyBinary = new Set<string>();

  /** Normalized names, or ':all:'. */
  get noBinary(): ReadonlySet<string> {
    return this.#noBinary;
  }

  get onlyBinary(): ReadonlySet<string> {
    return this.#onlyBinary;
  }

  /** One `--no-binary VALUE`: a comma list of names, ':all:' or ':none:'. */
  addNoBinary(value: string): void {
    applyFormatValue('--no-binary', value, this.#noBinary, this.#onlyBinary);
  }

  /** One `--only-binary VALUE`. */
  addOnlyBinary(value: string): void {
    applyFormatValue('--only-binary', value, this.#onlyBinary, this.#noBinary);
  }

  /** pip's `get_allowed_formats`: a project named in a set beats ':all:' in the other set. */
  allows(name: PackageName, kind: DistributionKind): boolean {
    if (this.#onlyBinary.has(name)) return kind === 'wheel';
    if (this.#noBinary.has(name)) return kind === 'sdist';
    if (this.#onlyBinary.has(ALL)) return kind === 'wheel';
    if (this.#noBinary.has(ALL)) return kind === 'sdist';
    return true;
  }

  clone(): FormatControl {
    const copy = new FormatControl();
    for (const name of this.#noBinary) copy.#noBinary.add(name);
    for (const name of this.#onlyBinary) copy.#onlyBinary.add(name);
    return copy;
  }

  toJSON(): { noBinary: string[]; onlyBinary: string[] } {
    return { noBinary: [...this.#noBinary].sort(), onlyBinary: [...this.#onlyBinary].sort() };
  }
}

/**
 * `FormatControl.handle_mutual_excludes`. ':all:' clears both sets and, unless a later ':none:'
 * follows in the same value, ignores the rest of the list (pip: `--no-binary :all:,foo` is just
 * ':all:'). ':none:' empties the target set. A name moves from the other set to the target.
 */
function applyFormatValue(option: string, value: string, target: Set<string>, other: Set<string>): void {
  if (value.startsWith('-')) {
    throw new PinHashesError('INPUT_ERROR', `--no-binary / --only-binary option requires 1 argument (got ${option} ${value}).`, {
      exitCode: 2,
    });
  }
  let items = value.split(',');
  for (let allAt = items.indexOf(ALL); allAt !== -1; allAt = items.indexOf(ALL)) {
    other.clear();
    target.clear();
    target.add(ALL);
    items = items.slice(allAt + 1);
    if (!items.includes(NONE)) return;
  }
  for (const item of items) {
    if (item === NONE) {
      target.clear();
      continue;
    }
    // pip adds '' for an empty item (`a,,b`); it can never match a project, so it is left out.
    if (item === '') continue;
    const name = normalizeName(item);
    other.delete(name);
    target.add(name);
  }
}
