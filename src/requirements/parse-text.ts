// One requirements file's text -> its lines, classified (requirement, include, option line), with
// every error and warning at file:line. No IO and no state across lines: includes and the options
// that accumulate over files are handled by the reader (read-files.ts).
import type { Requirement } from '../pep/requirement.js';
import { inputError, type SourceLocation } from './input-error.js';
import { parseOptionWords, OptionSyntaxError, SUPPORTED_OPTION_NAMES, type OptionOccurrence, type ParsedOptions } from './options.js';
import { expandEnvVars, preprocess, type Environment, type LogicalLine } from './preprocess.js';
import { RequirementTextProblem, readRequirementText } from './requirement-text.js';
import { shlexSplit, ShlexError } from './shlex.js';

export interface RequirementsWarning {
  readonly location: SourceLocation;
  readonly message: string;
}

/** A value that may hold `${VAR}`: as written (safe to record) and expanded (to use). */
export interface WrittenValue {
  readonly written: string;
  readonly expanded: string;
}

export type FormatControlChange = { readonly option: 'noBinary' | 'onlyBinary'; readonly value: string };

/** The global options of one line, as pip's `handle_option_line` sees them. */
export interface LineOptions {
  /** The last `-i` on the line (optparse keeps the last). */
  readonly indexUrl: WrittenValue | null;
  readonly extraIndexUrls: readonly WrittenValue[];
  /** pip uses only the first `-f` of a line. */
  readonly findLinks: WrittenValue | null;
  readonly noIndex: boolean;
  readonly pre: boolean;
  readonly preferBinary: boolean;
  readonly requireHashes: boolean;
  readonly trustedHosts: readonly string[];
  /** In the order written; pip applies these even on requirement lines. */
  readonly formatControl: readonly FormatControlChange[];
}

export type ParsedLine =
  | {
      readonly kind: 'requirement';
      readonly location: SourceLocation;
      /** The requirement text as written (`${VAR}` kept). */
      readonly text: string;
      readonly requirement: Requirement;
      /** `--hash` values as written, `alg:hex`, in order. */
      readonly hashes: readonly string[];
    }
  | {
      readonly kind: 'include';
      readonly location: SourceLocation;
      /** `-r` (requirements) or `-c` (constraints), path or URL as given (expanded). */
      readonly include: 'requirements' | 'constraints';
      readonly path: string;
    }
  | { readonly kind: 'options'; readonly location: SourceLocation; readonly options: LineOptions };

export interface ParsedRequirementsText {
  readonly lines: readonly ParsedLine[];
  readonly warnings: readonly RequirementsWarning[];
}

export interface ParseTextOptions {
  /** For `${VAR}`; default: none set (the text stays as written). */
  readonly env?: Environment;
  /** The file was named by `-c`: its requirements are constraints (pip refuses extras there). */
  readonly constraint?: boolean;
  /** Only used to suggest `name @ file://...` for bare paths; default process.cwd(). */
  readonly cwd?: string;
}

/** pip's STRONG_HASHES, with the digest length in hex characters. */
const HASH_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

const OPTIONS_HINT = `pip 23.2 accepts these options in requirements files: ${SUPPORTED_OPTION_NAMES.join(', ')}.`;

/** pip's `break_args_options`: words (split on single spaces) up to the first one starting with '-'. */
export function splitRequirementFromOptions(line: string): { requirement: string; options: string } {
  const words = line.split(' ');
  const firstOption = words.findIndex((word) => word.startsWith('-'));
  if (firstOption === -1) return { requirement: line, options: '' };
  return { requirement: words.slice(0, firstOption).join(' '), options: words.slice(firstOption).join(' ') };
}

function parseOptionsText(text: string, location: SourceLocation): ParsedOptions {
  let words: string[];
  try {
    words = shlexSplit(text);
  } catch (error) {
    if (error instanceof ShlexError) {
      throw inputError(location, `could not split options \`${text}\`: ${error.message}.`, 'Check the quotes and backslashes on this line.');
    }
    throw error;
  }
  try {
    return parseOptionWords(words);
  } catch (error) {
    if (error instanceof OptionSyntaxError) throw inputError(location, `${error.message}.`, OPTIONS_HINT);
    throw error;
  }
}

function checkHash(value: string, name: string, location: SourceLocation): string {
  const colon = value.indexOf(':');
  if (colon === -1) {
    throw inputError(
      location,
      `arguments to ${name} must be a hash name followed by a value, like --hash=sha256:abcde... (got \`${value}\`).`,
    );
  }
  const algorithm = value.slice(0, colon);
  const digest = value.slice(colon + 1);
  const length = HASH_HEX_LENGTHS.get(algorithm);
  if (length === undefined) {
    throw inputError(location, `allowed hash algorithms for ${name} are sha256, sha384, sha512 (got \`${algorithm}\`).`);
  }
  // pip accepts any text here and fails later, at install time; a lock tool should say it now.
  if (digest.length !== length || !/^[0-9a-fA-F]*$/.test(digest)) {
    throw inputError(location, `\`${value}\` is not a ${algorithm} digest (${length} hexadecimal characters expected).`);
  }
  return value;
}

const URL_VALUED: ReadonlySet<OptionOccurrence['id']> = new Set(['indexUrl', 'extraIndexUrl', 'findLinks']);

/**
 * Pairs each URL-valued option parsed from the expanded line with the same option in the line as
 * written, so `${TOKEN}` stays out of anything we record. pip splits after expansion; the two
 * only disagree when a variable's value holds spaces, quotes or a leading '-': then null.
 */
function writtenValues(
  expanded: readonly OptionOccurrence[],
  logical: LogicalLine,
  env: Environment,
): Map<OptionOccurrence, string> | null {
  const urlOptions = expanded.filter((occurrence) => URL_VALUED.has(occurrence.id));
  const result = new Map<OptionOccurrence, string>();
  if (urlOptions.length === 0) return result;
  let writtenOptions: OptionOccurrence[];
  try {
    const { options } = splitRequirementFromOptions(logical.written);
    writtenOptions = parseOptionWords(shlexSplit(options)).occurrences.filter((occurrence) => URL_VALUED.has(occurrence.id));
  } catch {
    return null;
  }
  if (writtenOptions.length !== urlOptions.length) return null;
  for (const [index, occurrence] of urlOptions.entries()) {
    const written = writtenOptions[index];
    if (written === undefined || written.value === null || written.id !== occurrence.id) return null;
    if (expandEnvVars(written.value, env) !== occurrence.value) return null;
    result.set(occurrence, written.value);
  }
  return result;
}

interface LineContext {
  readonly file: string;
  readonly env: Environment;
  readonly constraint: boolean;
  readonly cwd: string;
  readonly lines: ParsedLine[];
  readonly warnings: RequirementsWarning[];
}

function warn(context: LineContext, location: SourceLocation, message: string): void {
  context.warnings.push({ location, message });
}

/** Options that act on the whole run; pip reads them only on lines without a requirement. */
const GLOBAL_OPTIONS: ReadonlySet<OptionOccurrence['id']> = new Set([
  'indexUrl', 'extraIndexUrl', 'noIndex', 'constraint', 'requirement', 'editable', 'findLinks', 'preferBinary',
  'requireHashes', 'pre', 'trustedHost',
]);

/** Everything one line's options say, before deciding what kind of line it is. */
interface CollectedOptions {
  readonly hashes: string[];
  readonly formatControl: FormatControlChange[];
  readonly includes: { include: 'requirements' | 'constraints'; path: string }[];
  editable: string | null;
  indexUrl: WrittenValue | null;
  readonly extraIndexUrls: WrittenValue[];
  readonly findLinks: WrittenValue[];
  noIndex: boolean;
  pre: boolean;
  preferBinary: boolean;
  requireHashes: boolean;
  readonly trustedHosts: string[];
  /** Names of the global options seen, as written, for the warning on requirement lines. */
  readonly globalNames: string[];
}

function valueOf(occurrence: OptionOccurrence): string {
  if (occurrence.value === null) throw new Error(`Assertion failed: ${occurrence.name} has a value`);
  return occurrence.value;
}

function collectOptions(
  occurrences: readonly OptionOccurrence[],
  pairedWritten: ReadonlyMap<OptionOccurrence, string>,
  location: SourceLocation,
  context: LineContext,
): CollectedOptions {
  const collected: CollectedOptions = {
    hashes: [], formatControl: [], includes: [], editable: null, indexUrl: null, extraIndexUrls: [], findLinks: [],
    noIndex: false, pre: false, preferBinary: false, requireHashes: false, trustedHosts: [], globalNames: [],
  };
  const writtenOf = (occurrence: OptionOccurrence): WrittenValue => {
    const written = pairedWritten.get(occurrence);
    if (written === undefined) throw new Error(`Assertion failed: ${occurrence.name} was paired with its written form`);
    return { written, expanded: valueOf(occurrence) };
  };
  for (const occurrence of occurrences) {
    if (GLOBAL_OPTIONS.has(occurrence.id)) collected.globalNames.push(occurrence.name);
    switch (occurrence.id) {
      case 'hash':
        collected.hashes.push(checkHash(valueOf(occurrence), occurrence.name, location));
        break;
      case 'noBinary':
      case 'onlyBinary': {
        const value = valueOf(occurrence);
        if (value.startsWith('-')) {
          throw inputError(location, `${occurrence.name} requires a value (got \`${value}\`).`, 'Give a comma-separated list of names, :all: or :none:.');
        }
        collected.formatControl.push({ option: occurrence.id, value });
        break;
      }
      case 'configSettings':
        if (!valueOf(occurrence).includes('=')) throw inputError(location, `arguments to ${occurrence.name} must be of the form KEY=VAL.`);
        warn(context, location, `${occurrence.name} is ignored: pin-hashes does not build packages.`);
        break;
      case 'globalOption':
        warn(context, location, `${occurrence.name} is ignored: pin-hashes does not build packages.`);
        break;
      case 'useFeature':
        warn(context, location, `--use-feature=${valueOf(occurrence)} is ignored.`);
        break;
      case 'editable':
        collected.editable ??= valueOf(occurrence);
        break;
      case 'requirement':
      case 'constraint':
        collected.includes.push({ include: occurrence.id === 'requirement' ? 'requirements' : 'constraints', path: valueOf(occurrence) });
        break;
      case 'indexUrl':
        collected.indexUrl = writtenOf(occurrence);
        break;
      case 'extraIndexUrl':
        collected.extraIndexUrls.push(writtenOf(occurrence));
        break;
      case 'findLinks':
        collected.findLinks.push(writtenOf(occurrence));
        break;
      case 'trustedHost':
        collected.trustedHosts.push(valueOf(occurrence));
        break;
      case 'noIndex':
        collected.noIndex = true;
        break;
      case 'pre':
        collected.pre = true;
        break;
      case 'preferBinary':
        collected.preferBinary = true;
        break;
      case 'requireHashes':
        collected.requireHashes = true;
        break;
    }
  }
  return collected;
}

function addRequirementLine(logical: LogicalLine, requirementText: string, collected: CollectedOptions, location: SourceLocation, context: LineContext): void {
  if (collected.globalNames.length > 0) {
    warn(context, location, `${[...new Set(collected.globalNames)].join(', ')} ignored: pip reads global options only on lines without a requirement.`);
  }
  if (/^[^\s@;[(<>=!~]+\.(txt|in)$/i.test(requirementText)) {
    warn(context, location, `\`${requirementText}\` is read as a project name; to include a requirements file write \`-r ${requirementText}\`.`);
  }
  context.lines.push({
    kind: 'requirement',
    location,
    text: splitRequirementFromOptions(logical.written).requirement,
    requirement: readRequirement(requirementText, location, context),
    hashes: collected.hashes,
  });
}

function addOptionLine(collected: CollectedOptions, location: SourceLocation, context: LineContext): void {
  if (collected.editable !== null) {
    throw inputError(
      location,
      `\`-e ${collected.editable}\`: editable requirements cannot be installed in --require-hashes mode (pip: there is no single file to hash).`,
      'Build a wheel (`pip wheel --no-deps <path> -w dist/`) and reference it as `name @ file:///absolute/path/dist/name-1.0-py3-none-any.whl`, or require a released version (`name==1.0`).',
    );
  }
  if (collected.hashes.length > 0) {
    warn(context, location, '--hash without a requirement before it on the same line is ignored (pip does the same); put the requirement first.');
  }
  const [firstInclude, ...otherIncludes] = collected.includes;
  if (firstInclude !== undefined) {
    // pip follows one file per line: the first -r, else the first -c.
    const chosen = collected.includes.find((include) => include.include === 'requirements') ?? firstInclude;
    if (otherIncludes.length > 0) warn(context, location, `only \`${chosen.path}\` is read: pip reads one -r/-c file per line.`);
    context.lines.push({ kind: 'include', location, include: chosen.include, path: chosen.path });
  }
  const [firstFindLinks, ...otherFindLinks] = collected.findLinks;
  if (otherFindLinks.length > 0) warn(context, location, 'only the first -f/--find-links of a line is used (pip does the same).');
  const options: LineOptions = {
    indexUrl: collected.indexUrl, extraIndexUrls: collected.extraIndexUrls, findLinks: firstFindLinks ?? null,
    noIndex: collected.noIndex, pre: collected.pre, preferBinary: collected.preferBinary, requireHashes: collected.requireHashes,
    trustedHosts: collected.trustedHosts, formatControl: [],
  };
  if (hasGlobalEffect(options)) context.lines.push({ kind: 'options', location, options });
}

function parseLine(logical: LogicalLine, context: LineContext): void {
  const location: SourceLocation = { file: context.file, line: logical.line };
  const { requirement: requirementText, options: optionsText } = splitRequirementFromOptions(logical.text);
  const { occurrences, leftovers } = parseOptionsText(optionsText, location);
  const pairedWritten = writtenValues(occurrences, logical, context.env);
  if (pairedWritten === null) {
    throw inputError(
      location,
      'an environment variable on this line expands to text with spaces, quotes or a leading "-", which pip would split into other words.',
      'Keep ${VAR} values to a single word (percent-encode spaces in URLs).',
    );
  }
  const collected = collectOptions(occurrences, pairedWritten, location, context);
  if (leftovers.length > 0) {
    warn(context, location, `ignored \`${leftovers.join(' ')}\`: pip ignores words that are not options after the first option on a line.`);
  }
  // pip applies --no-binary/--only-binary while it parses a line, so they count on requirement lines too.
  if (collected.formatControl.length > 0) {
    context.lines.push({
      kind: 'options',
      location,
      options: {
        indexUrl: null, extraIndexUrls: [], findLinks: null, noIndex: false, pre: false, preferBinary: false,
        requireHashes: false, trustedHosts: [], formatControl: collected.formatControl,
      },
    });
  }
  if (requirementText !== '') addRequirementLine(logical, requirementText, collected, location, context);
  else addOptionLine(collected, location, context);
}

function hasGlobalEffect(options: LineOptions): boolean {
  return (
    options.indexUrl !== null || options.extraIndexUrls.length > 0 || options.findLinks !== null || options.noIndex ||
    options.pre || options.preferBinary || options.requireHashes || options.trustedHosts.length > 0
  );
}

function readRequirement(text: string, location: SourceLocation, context: LineContext): Requirement {
  let requirement: Requirement;
  try {
    requirement = readRequirementText(text, context.cwd);
  } catch (error) {
    if (error instanceof RequirementTextProblem) throw inputError(location, error.message, error.hint, error);
    throw error;
  }
  if (context.constraint && requirement.extras.length > 0) {
    throw inputError(location, `constraints cannot have extras (\`${text.trim()}\`); pip 23 refuses them.`, 'Constrain the project without extras: `name==1.0`.');
  }
  return requirement;
}

/** Parse one file's decoded text. Throws PinHashesError (INPUT_ERROR) at the first bad line. */
export function parseRequirementsText(text: string, file: string, options: ParseTextOptions = {}): ParsedRequirementsText {
  const context: LineContext = {
    file,
    env: options.env ?? {},
    constraint: options.constraint ?? false,
    cwd: options.cwd ?? process.cwd(),
    lines: [],
    warnings: [],
  };
  for (const logical of preprocess(text, context.env)) parseLine(logical, context);
  return { lines: context.lines, warnings: context.warnings };
}
