// The options pip 23.2 accepts in a requirements file (req_file.py SUPPORTED_OPTIONS and
// SUPPORTED_OPTIONS_REQ) read the way Python's optparse reads them: `--opt=value` or `--opt value`,
// `-rfile` or `-r file`, any unambiguous prefix of a long option (`--index` is `--index-url`),
// `--` ends the options, and words that are not options are left over (pip ignores them).

export type OptionId =
  | 'indexUrl'
  | 'extraIndexUrl'
  | 'noIndex'
  | 'constraint'
  | 'requirement'
  | 'editable'
  | 'findLinks'
  | 'noBinary'
  | 'onlyBinary'
  | 'preferBinary'
  | 'requireHashes'
  | 'pre'
  | 'trustedHost'
  | 'useFeature'
  | 'globalOption'
  | 'hash'
  | 'configSettings';

interface OptionSpec {
  readonly id: OptionId;
  readonly short: string | null;
  readonly long: readonly string[];
  readonly takesValue: boolean;
  /** optparse `choices`: any other value is an error. */
  readonly choices?: readonly string[];
}

const OPTION_SPECS: readonly OptionSpec[] = [
  { id: 'indexUrl', short: '-i', long: ['--index-url', '--pypi-url'], takesValue: true },
  { id: 'extraIndexUrl', short: null, long: ['--extra-index-url'], takesValue: true },
  { id: 'noIndex', short: null, long: ['--no-index'], takesValue: false },
  { id: 'constraint', short: '-c', long: ['--constraint'], takesValue: true },
  { id: 'requirement', short: '-r', long: ['--requirement'], takesValue: true },
  { id: 'editable', short: '-e', long: ['--editable'], takesValue: true },
  { id: 'findLinks', short: '-f', long: ['--find-links'], takesValue: true },
  { id: 'noBinary', short: null, long: ['--no-binary'], takesValue: true },
  { id: 'onlyBinary', short: null, long: ['--only-binary'], takesValue: true },
  { id: 'preferBinary', short: null, long: ['--prefer-binary'], takesValue: false },
  { id: 'requireHashes', short: null, long: ['--require-hashes'], takesValue: false },
  { id: 'pre', short: null, long: ['--pre'], takesValue: false },
  { id: 'trustedHost', short: null, long: ['--trusted-host'], takesValue: true },
  {
    id: 'useFeature',
    short: null,
    long: ['--use-feature'],
    takesValue: true,
    choices: ['fast-deps', 'truststore', 'no-binary-enable-wheel-cache'],
  },
  { id: 'globalOption', short: null, long: ['--global-option'], takesValue: true },
  { id: 'hash', short: null, long: ['--hash'], takesValue: true },
  { id: 'configSettings', short: '-C', long: ['--config-settings'], takesValue: true },
];

const BY_LONG = new Map<string, OptionSpec>(OPTION_SPECS.flatMap((spec) => spec.long.map((name) => [name, spec] as const)));
const BY_SHORT = new Map<string, OptionSpec>(
  OPTION_SPECS.flatMap((spec) => (spec.short === null ? [] : [[spec.short, spec] as const])),
);
const LONG_NAMES = [...BY_LONG.keys()].sort();

/** For messages: every option spelled as users know it. */
export const SUPPORTED_OPTION_NAMES: readonly string[] = OPTION_SPECS.map((spec) =>
  [spec.short, ...spec.long].filter((name): name is string => name !== null).join('/'),
);

export interface OptionOccurrence {
  readonly id: OptionId;
  /** The option's full name as optparse reports it (`--index-url` even when `--index` was written). */
  readonly name: string;
  /** null for flags. */
  readonly value: string | null;
}

export interface ParsedOptions {
  /** In the order written. */
  readonly occurrences: readonly OptionOccurrence[];
  /** Words that are not options or option values; pip ignores them. */
  readonly leftovers: readonly string[];
}

/** optparse's error, with optparse's wording (users may search for it). */
export class OptionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionSyntaxError';
  }
}

/** optparse `_match_abbrev`: an exact name, else the only long option the text is a prefix of. */
function matchLongOption(written: string): { spec: OptionSpec; name: string } {
  const exact = BY_LONG.get(written);
  if (exact !== undefined) return { spec: exact, name: written };
  const candidates = LONG_NAMES.filter((name) => name.startsWith(written));
  const [only] = candidates;
  const spec = only === undefined ? undefined : BY_LONG.get(only);
  if (candidates.length === 1 && only !== undefined && spec !== undefined) return { spec, name: only };
  if (candidates.length === 0) throw new OptionSyntaxError(`no such option: ${written}`);
  throw new OptionSyntaxError(`ambiguous option: ${written} (${candidates.join(', ')}?)`);
}

function checkChoice(spec: OptionSpec, name: string, value: string): void {
  if (spec.choices !== undefined && !spec.choices.includes(value)) {
    const allowed = spec.choices.map((choice) => `'${choice}'`).join(', ');
    throw new OptionSyntaxError(`option ${name}: invalid choice: '${value}' (choose from ${allowed})`);
  }
}

/** optparse `parse_args` over words already split by shlex. */
export function parseOptionWords(words: readonly string[]): ParsedOptions {
  const occurrences: OptionOccurrence[] = [];
  const leftovers: string[] = [];
  const rest = [...words];
  while (rest.length > 0) {
    const word = rest.shift() ?? '';
    if (word === '--') {
      leftovers.push(...rest);
      break;
    }
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const written = equals === -1 ? word : word.slice(0, equals);
      const { spec, name } = matchLongOption(written);
      if (equals !== -1) rest.unshift(word.slice(equals + 1));
      if (spec.takesValue) {
        const value = rest.shift();
        if (value === undefined) throw new OptionSyntaxError(`${name} option requires 1 argument`);
        checkChoice(spec, name, value);
        occurrences.push({ id: spec.id, name, value });
      } else {
        if (equals !== -1) throw new OptionSyntaxError(`${name} option does not take a value`);
        occurrences.push({ id: spec.id, name, value: null });
      }
    } else if (word.startsWith('-') && word.length > 1) {
      // Short options may be clustered; every short option pip accepts takes a value, so the
      // first one consumes the rest of the word (`-rfile`) or the next word.
      const name = word.slice(0, 2);
      const spec = BY_SHORT.get(name);
      if (spec === undefined) throw new OptionSyntaxError(`no such option: ${name}`);
      if (!spec.takesValue) throw new Error(`Assertion failed: short option ${name} without a value`);
      const attached = word.slice(2);
      const value = attached !== '' ? attached : rest.shift();
      if (value === undefined) throw new OptionSyntaxError(`${name} option requires 1 argument`);
      checkChoice(spec, name, value);
      occurrences.push({ id: spec.id, name, value });
    } else {
      leftovers.push(word);
    }
  }
  return { occurrences, leftovers };
}
