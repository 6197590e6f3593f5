/**
 * Line numbers for values a parser returned without positions (smol-toml gives none): found by
 * searching the text. Best effort and bounded: a hostile file (a million keys, strings written
 * with escapes so that no search finds them) could make repeated searches quadratic, so the
 * searches share a budget of characters scanned; past it, a value is placed on its table's line.
 */

/** Characters all searches of one file may scan together: a few passes over the largest input. */
const SCAN_BUDGET_FACTOR = 8;

export interface Position {
  readonly line: number;
  readonly offset: number;
}

export class TextPositions {
  readonly #text: string;
  readonly #newlines: number[] = [];
  #budget: number;

  constructor(text: string) {
    this.#text = text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#newlines.push(i);
    this.#budget = SCAN_BUDGET_FACTOR * Math.max(text.length, 1 << 16);
  }

  /** 1-based line of `offset`. */
  lineAt(offset: number): number {
    let low = 0;
    let high = this.#newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.#newlines[mid] ?? Infinity) < offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  }

  /** The first occurrence of `value` as a quoted TOML string at or after `from`; `fallback` when not found. */
  quoted(value: string, from: number, fallback: Position): Position {
    let best = -1;
    for (const quoted of [`"${value}"`, `'${value}'`]) {
      const at = this.#indexOf(quoted, from);
      if (at !== -1 && (best === -1 || at < best)) best = at;
    }
    return best === -1 ? fallback : { line: this.lineAt(best), offset: best + value.length };
  }

  /** The first match of `pattern` (a new RegExp with the `m` flag; `g` is added) at or after `from`; `fallback` when none. */
  match(pattern: RegExp, from: number, fallback: Position): Position {
    if (this.#budget <= 0) return fallback;
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    re.lastIndex = from;
    const found = re.exec(this.#text);
    this.#budget -= (found === null ? this.#text.length : found.index) - from;
    return found === null ? fallback : { line: this.lineAt(found.index), offset: found.index };
  }

  #indexOf(needle: string, from: number): number {
    if (this.#budget <= 0) return -1;
    const at = this.#text.indexOf(needle, from);
    this.#budget -= (at === -1 ? this.#text.length : at) - from;
    return at;
  }
}
