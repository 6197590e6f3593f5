// What pip 23.2 does with the requirement part of a line (req/constructors.py
// `parse_req_from_line`), narrowed to what a hash lock can hold: a named PEP 508 requirement,
// optionally `name @ https://...` or `name @ file://...`. Everything pip would install without a
// single hashable file (VCS checkouts, local directories) or without a name is refused with a
// message that says what to write instead.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { PinHashesError } from '../errors.js';
import { parseRequirement, type Requirement } from '../pep/requirement.js';
import { pyStrip } from './python-text.js';

/** A requirement text pin-hashes cannot use; the caller adds file and line. */
export class RequirementTextProblem extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequirementTextProblem';
    this.hint = hint;
  }
}

/** pip's ARCHIVE_EXTENSIONS (utils/filetypes.py). */
const ARCHIVE_EXTENSIONS = new Set([
  '.zip', '.whl', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma',
]);
/** Schemes pip's `is_url` accepts besides its VCS ones. */
const PLAIN_URL_SCHEMES = new Set(['http', 'https', 'file', 'ftp']);
const VCS_NAMES = ['git', 'hg', 'svn', 'bzr'];
const OPERATORS = ['~=', '==', '!=', '<=', '>=', '<', '>', '==='];

/** pip's `get_url_scheme`: the text before the first ':', lowercased. */
function urlScheme(text: string): string | null {
  const colon = text.indexOf(':');
  return colon === -1 ? null : text.slice(0, colon).toLowerCase();
}

function isVcsScheme(scheme: string): boolean {
  return VCS_NAMES.some((vcs) => scheme === vcs || scheme.startsWith(vcs + '+'));
}

/** posixpath.splitext plus pip's `.tar.*` rule (utils/misc.py `splitext`). */
function archiveExtension(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  let base = path;
  let extension = '';
  if (dot > slash) {
    // A name made only of leading dots has no extension.
    const name = path.slice(slash + 1, dot);
    if (name.replace(/^\.+/, '') !== '') {
      base = path.slice(0, dot);
      extension = path.slice(dot);
    }
  }
  if (base.toLowerCase().endsWith('.tar')) extension = base.slice(-4) + extension;
  return extension.toLowerCase();
}

export function isArchivePath(path: string): boolean {
  return ARCHIVE_EXTENSIONS.has(archiveExtension(path));
}

/**
 * pip's `_looks_like_path` as on POSIX. (On Windows pip also counts `\`; here that would only
 * change which refusal message a line gets, and it would take `name==1 \` for a path.)
 */
function looksLikePath(text: string): boolean {
  return text.includes('/') || text.startsWith('.');
}

/** pip's `_strip_extras`: `path[extras]` -> `path`. */
function stripExtras(text: string): string {
  const match = /^(.+)(\[[^\]]+\])$/s.exec(text);
  return match?.[1] ?? text;
}

/** `name @ something` where `name` does not look like a path: pip reads it as PEP 508. */
function hasNameBeforeAt(text: string): boolean {
  const at = text.indexOf('@');
  return at !== -1 && !looksLikePath(text.slice(0, at));
}

/** The last path segment of a URL or path, without query or fragment, percent-decoded. */
function fileNameOf(location: string): string {
  const withoutSuffix = location.replace(/[?#].*$/s, '');
  const segment = withoutSuffix.slice(withoutSuffix.search(/[^/\\]*$/));
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A project name to put in a suggestion, from `#egg=` or the archive's file name. */
function guessProjectName(location: string): string | null {
  const egg = /[#&]egg=([^&]*)/.exec(location)?.[1];
  if (egg !== undefined && egg !== '') return egg;
  const fileName = fileNameOf(location);
  const extension = archiveExtension(fileName);
  if (!ARCHIVE_EXTENSIONS.has(extension)) return null;
  const stem = fileName.slice(0, fileName.length - extension.length);
  if (extension === '.whl') return stem.split('-')[0] || null;
  const dash = stem.lastIndexOf('-');
  return dash > 0 ? stem.slice(0, dash) : null;
}

function withoutEggFragment(url: string): string {
  return url.replace(/#egg=[^&]*$/, '');
}

const BUILD_A_WHEEL =
  'build a wheel (`pip wheel --no-deps <source> -w dist/`) and reference it as ' +
  '`name @ file:///absolute/path/dist/name-1.0-py3-none-any.whl`, or as `name @ https://.../name-1.0-py3-none-any.whl` ' +
  'once it is published, or require a released version from an index (`name==1.0`)';

function vcsProblem(text: string): RequirementTextProblem {
  return new RequirementTextProblem(
    `\`${text}\` is a version-control requirement: pip cannot check hashes of a VCS checkout in --require-hashes mode.`,
    `Instead ${BUILD_A_WHEEL}.`,
  );
}

function bareUrlProblem(url: string): RequirementTextProblem {
  const name = guessProjectName(url);
  const target = withoutEggFragment(url);
  if (urlScheme(url) === 'file' && !isArchivePath(fileNameOf(url))) {
    return new RequirementTextProblem(
      `\`${url}\` has no project name and does not name an archive: pip cannot hash a local directory in --require-hashes mode.`,
      `Instead ${BUILD_A_WHEEL}.`,
    );
  }
  return new RequirementTextProblem(
    `\`${url}\` is a URL without a project name; pin-hashes needs the name to lock it.`,
    `Write it as \`${name ?? 'name'} @ ${target}\`.`,
  );
}

function barePathProblem(path: string, cwd: string): RequirementTextProblem {
  const stripped = stripExtras(path);
  if (isArchivePath(stripped)) {
    const name = guessProjectName(stripped) ?? 'name';
    const url = pathToFileURL(resolve(cwd, stripped)).href;
    return new RequirementTextProblem(
      `\`${path}\` is a local file without a project name; pin-hashes needs the name to lock it.`,
      `Write it as \`${name} @ ${url}\`.`,
    );
  }
  return new RequirementTextProblem(
    `\`${path}\` looks like a local path: pip cannot hash a local directory in --require-hashes mode.`,
    `Instead ${BUILD_A_WHEEL}.`,
  );
}

function malformedHint(text: string): string | undefined {
  if (text.endsWith('\\')) {
    return 'A `\\` followed by spaces does not continue a line in pip: remove the spaces after the `\\`.';
  }
  if (text.includes('=') && !OPERATORS.some((operator) => text.includes(operator))) {
    return '= is not a valid operator. Did you mean == ?';
  }
  if (/\.(txt|in)$/i.test(text)) return `To include another requirements file write \`-r ${text}\`.`;
  return undefined;
}

/**
 * pip splits the marker off at the first ';' itself and accepts `name;` (no marker) and
 * `name @ url;marker`; PEP 508 alone would not, so the pieces are re-joined in the standard form.
 */
function parseLikePip(text: string): Requirement {
  const semicolon = text.indexOf(';');
  if (semicolon === -1) return parseRequirement(pyStrip(text));
  const head = pyStrip(text.slice(0, semicolon));
  const marker = pyStrip(text.slice(semicolon + 1));
  return parseRequirement(marker === '' ? head : `${head} ; ${marker}`);
}

function checkDirectUrl(url: string): void {
  const scheme = urlScheme(url);
  if (scheme !== null && isVcsScheme(scheme)) throw vcsProblem(url);
  if (scheme === 'http' || scheme === 'https') return;
  if (scheme === 'file') {
    if (isArchivePath(fileNameOf(url))) return;
    throw new RequirementTextProblem(
      `\`${url}\` does not name an archive (.whl, .tar.gz, .zip, ...): pip cannot hash a local directory in --require-hashes mode.`,
      `Instead ${BUILD_A_WHEEL}.`,
    );
  }
  throw new RequirementTextProblem(
    `\`${url}\`: a direct reference must be an https://, http:// or file:// URL.`,
    'Write `name @ https://...` or `name @ file:///absolute/path/to/archive`.',
  );
}

/**
 * The requirement part of a line (after `${VAR}` expansion) -> a named requirement, or a
 * RequirementTextProblem. `cwd` only shapes suggestions: pip reads bare paths against it.
 */
export function readRequirementText(text: string, cwd: string): Requirement {
  const trimmed = pyStrip(text);
  const scheme = urlScheme(trimmed);
  if (scheme !== null && isVcsScheme(scheme)) throw vcsProblem(trimmed);
  if (scheme !== null && PLAIN_URL_SCHEMES.has(scheme)) {
    // pip separates a URL's marker with '; ' (a bare ';' may belong to the URL).
    throw bareUrlProblem(pyStrip(trimmed.split('; ')[0] ?? trimmed));
  }
  const beforeMarker = pyStrip(trimmed.split(';')[0] ?? trimmed);
  if (isArchivePath(stripExtras(beforeMarker)) && !hasNameBeforeAt(beforeMarker)) {
    throw barePathProblem(beforeMarker, cwd);
  }
  let requirement: Requirement;
  try {
    requirement = parseLikePip(trimmed);
  } catch (error) {
    if (!(error instanceof PinHashesError)) throw error;
    if (looksLikePath(beforeMarker) && !hasNameBeforeAt(beforeMarker)) throw barePathProblem(beforeMarker, cwd);
    throw new RequirementTextProblem(`invalid requirement \`${trimmed}\`: ${error.message}`, malformedHint(trimmed), {
      cause: error,
    });
  }
  if (requirement.url !== null) checkDirectUrl(requirement.url);
  return requirement;
}
