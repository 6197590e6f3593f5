/**
 * PEP 508 dependency specifiers (`name [extras] specifier ; marker` and `name [extras] @ url ;
 * marker`), with the grammar and error messages of pypa/packaging's `_parser.py`.
 *
 * Traps:
 * - The version part may be wrapped in parentheses, as old core metadata writes it
 *   (`zope.interface (>3.5.0)`); it is accepted, never written.
 * - After a URL the `;` must follow whitespace: `pkg @ http://x/y.zip;extra=="a"` reads the whole
 *   tail as the URL (URLs may contain `;`).
 * - Whitespace means spaces and tabs only; a trailing line break is an error.
 * - `.*` and local labels are only allowed with `==`/`!=`, and the error says so.
 * - Names keep their spelling in `rawName` and are PEP 503-normalised in `name`; extras are
 *   normalised (PEP 685), de-duplicated and sorted.
 * - URLs are not validated (packaging stopped doing so); `file:.` is accepted.
 */
import { ParseError } from '../errors.js';
import { Marker, parseMarkerExpression, type MarkerExpression } from './markers.js';
import { normalizeExtra, normalizeName, type PackageName } from './names.js';
import { SyntaxErrorAt, Tokenizer } from './pep508-tokenizer.js';
import { compareCodePoints } from './pychars.js';
import { SpecifierSet } from './specifiers.js';

export interface Requirement {
  readonly name: PackageName;
  readonly rawName: string;
  /** normalized (PEP 685), sorted, unique */
  readonly extras: readonly string[];
  readonly specifier: SpecifierSet;
  /** for `name @ url` */
  readonly url: string | null;
  readonly marker: Marker | null;
}

function parseExtrasList(tokenizer: Tokenizer): string[] {
  const extras: string[] = [];
  if (!tokenizer.check('IDENTIFIER')) return extras;
  extras.push(tokenizer.read().text);
  for (;;) {
    tokenizer.consume('WS');
    if (tokenizer.check('IDENTIFIER', true)) tokenizer.fail('Expected comma between extra names');
    if (!tokenizer.check('COMMA')) break;
    tokenizer.read();
    tokenizer.consume('WS');
    extras.push(tokenizer.expect('IDENTIFIER', 'extra name after comma').text);
  }
  return extras;
}

function parseExtras(tokenizer: Tokenizer): string[] {
  if (!tokenizer.check('LEFT_BRACKET', true)) return [];
  return tokenizer.enclosing('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    tokenizer.consume('WS');
    const extras = parseExtrasList(tokenizer);
    tokenizer.consume('WS');
    return extras;
  });
}

function parseVersionMany(tokenizer: Tokenizer): string {
  let parsed = '';
  while (tokenizer.check('SPECIFIER')) {
    const spanStart = tokenizer.position;
    parsed += tokenizer.read().text;
    if (tokenizer.check('VERSION_PREFIX_TRAIL', true)) {
      tokenizer.fail('.* suffix can only be used with `==` or `!=` operators', spanStart, tokenizer.position + 1);
    }
    if (tokenizer.check('VERSION_LOCAL_LABEL_TRAIL', true)) {
      tokenizer.fail('Local version label can only be used with `==` or `!=` operators', spanStart, tokenizer.position);
    }
    tokenizer.consume('WS');
    if (!tokenizer.check('COMMA')) break;
    parsed += tokenizer.read().text;
    tokenizer.consume('WS');
  }
  return parsed;
}

function parseSpecifier(tokenizer: Tokenizer): string {
  return tokenizer.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    tokenizer.consume('WS');
    const parsed = parseVersionMany(tokenizer);
    tokenizer.consume('WS');
    return parsed;
  });
}

function parseRequirementMarker(tokenizer: Tokenizer, spanStart: number, expected: string): MarkerExpression {
  if (!tokenizer.check('SEMICOLON')) tokenizer.fail(`Expected ${expected} or end`, spanStart);
  tokenizer.read();
  const marker = parseMarkerExpression(tokenizer);
  tokenizer.consume('WS');
  return marker;
}

interface Details {
  url: string;
  specifier: string;
  marker: MarkerExpression | null;
}

function parseDetails(tokenizer: Tokenizer): Details {
  if (tokenizer.check('AT')) {
    tokenizer.read();
    tokenizer.consume('WS');
    const urlStart = tokenizer.position;
    const url = tokenizer.expect('URL', 'URL after @').text;
    if (tokenizer.check('END', true)) return { url, specifier: '', marker: null };
    tokenizer.expect('WS', 'whitespace after URL');
    if (tokenizer.check('END', true)) return { url, specifier: '', marker: null };
    const marker = parseRequirementMarker(tokenizer, urlStart, 'semicolon (after URL and whitespace)');
    return { url, specifier: '', marker };
  }
  const specifierStart = tokenizer.position;
  const specifier = parseSpecifier(tokenizer);
  tokenizer.consume('WS');
  if (tokenizer.check('END', true)) return { url: '', specifier, marker: null };
  const marker = parseRequirementMarker(
    tokenizer,
    specifierStart,
    specifier !== ''
      ? 'comma (within version specifier), semicolon (after version specifier)'
      : 'semicolon (after name with no version specifier)',
  );
  return { url: '', specifier, marker };
}

/** PEP 508; throws ParseError INVALID_REQUIREMENT (message rendered like packaging's). */
export function parseRequirement(text: string): Requirement {
  let rawName: string;
  let rawExtras: string[];
  let details: Details;
  try {
    const tokenizer = new Tokenizer(text);
    tokenizer.consume('WS');
    rawName = tokenizer.expect('IDENTIFIER', 'package name at the start of dependency specifier').text;
    tokenizer.consume('WS');
    rawExtras = parseExtras(tokenizer);
    tokenizer.consume('WS');
    details = parseDetails(tokenizer);
    tokenizer.expect('END', 'end of dependency specifier');
  } catch (error) {
    if (error instanceof SyntaxErrorAt) throw new ParseError('INVALID_REQUIREMENT', error.render());
    throw error;
  }
  let specifier: SpecifierSet;
  try {
    specifier = SpecifierSet.parse(details.specifier);
  } catch (error) {
    if (error instanceof ParseError) {
      throw new ParseError('INVALID_REQUIREMENT', `${error.message} in ${JSON.stringify(text)}`);
    }
    throw error;
  }
  const extras = [...new Set(rawExtras.map(normalizeExtra))].sort(compareCodePoints);
  return {
    name: normalizeName(rawName),
    rawName,
    extras,
    specifier,
    url: details.url === '' ? null : details.url,
    marker: details.marker === null ? null : Marker.fromTree(details.marker),
  };
}

/** The canonical string, like packaging's `str(Requirement)` (with normalised extras). */
export function formatRequirement(req: Requirement): string {
  let text = req.rawName;
  // A normalized extra may end in '-' (`B_` -> `b-`), which does not read back as an extra name;
  // `b_` reads back and normalizes to the same `b-`.
  if (req.extras.length > 0) text += `[${req.extras.map((e) => (e.endsWith('-') ? `${e.slice(0, -1)}_` : e)).join(',')}]`;
  if (!req.specifier.isEmpty) text += req.specifier.toString();
  if (req.url !== null) {
    text += ` @ ${req.url}`;
    if (req.marker !== null) text += ' ';
  }
  if (req.marker !== null) text += `; ${req.marker.toString()}`;
  return text;
}
