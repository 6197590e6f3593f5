/**
 * Core metadata (`METADATA`, `PKG-INFO`) and other email-header files such as a wheel's `WHEEL`,
 * read the way Python's `email.parser` with the `compat32` policy reads them, which is what
 * pypa/packaging and pip use.
 *
 * Traps:
 * - Field names are case-insensitive (`requires-dist` == `Requires-Dist`); multiple-use fields
 *   simply repeat.
 * - A line starting with a space or tab continues the previous field; compat32 keeps the line
 *   break and the indentation in the value (`"a,\n        b"`). Only the first line loses its
 *   leading blanks and only the final line break is dropped.
 * - The headers end at the first empty line, or at the first line that is neither a field
 *   (`name:` with printable, colon-free ASCII before the colon) nor a continuation; everything
 *   after is the body (the description from metadata 2.1 on) and is ignored.
 * - Line breaks are `\r\n`, `\r` or `\n`. A `From ` line first is an mbox envelope and skipped.
 * - Name, Version and Metadata-Version must appear exactly once; Requires-Python at most once.
 *   A Metadata-Version with a major above 2 must be refused (the spec says so).
 */
import { ParseError } from '../errors.js';

export interface MetadataField {
  /** As written; compare case-insensitively. */
  readonly name: string;
  readonly value: string;
}

export interface CoreMetadata {
  metadataVersion: string;
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython: string | null;
  providesExtra: string[];
  dynamic: string[];
}

/** Splits into lines that keep their `\r\n`, `\r` or `\n` ending (the last may have none). */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x0a || unit === 0x0d) {
      const end = unit === 0x0d && text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
      lines.push(text.slice(start, end));
      start = end;
      i = end - 1;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** `^(From |[\041-\071\073-\176]*:|[\t ])` */
function looksLikeHeaderLine(line: string): boolean {
  if (line.startsWith('From ') || line.startsWith(' ') || line.startsWith('\t')) return true;
  for (let i = 0; i < line.length; i++) {
    const unit = line.charCodeAt(i);
    if (unit === 0x3a) return true;
    if (unit < 0x21 || unit > 0x7e) return false;
  }
  return false;
}

function stripTrailingLineBreaks(value: string): string {
  let end = value.length;
  while (end > 0 && (value.charCodeAt(end - 1) === 0x0a || value.charCodeAt(end - 1) === 0x0d)) end--;
  return value.slice(0, end);
}

/** The header fields, in order, with compat32 values. Never throws. */
export function parseEmailHeaders(text: string): MetadataField[] {
  const lines = splitLines(text);
  const headerLines: string[] = [];
  for (const line of lines) {
    if (!looksLikeHeaderLine(line)) break; // an empty line, or the body started without one
    headerLines.push(line);
  }
  const fields: MetadataField[] = [];
  let current: string[] | null = null;
  const flush = (): void => {
    if (current === null) return;
    const [first = '', ...rest] = current;
    const colon = first.indexOf(':');
    const value = first.slice(colon + 1).replace(/^[ \t]+/, '') + rest.join('');
    fields.push({ name: first.slice(0, colon), value: stripTrailingLineBreaks(value) });
    current = null;
  };
  for (const line of headerLines) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current !== null) current.push(line); // a continuation before any field is dropped
      continue;
    }
    flush();
    if (line.startsWith('From ')) continue; // mbox envelope (first line) or misplaced: ignored
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // `:value` is malformed and ignored, as email does
    current = [line];
  }
  flush();
  return fields;
}

function invalidMetadata(message: string): ParseError {
  return new ParseError('INVALID_METADATA', message, {
    hint: 'The package metadata is malformed; try another file of this release.',
  });
}

/** email-header format (compat32 semantics); throws INVALID_METADATA */
export function parseCoreMetadata(text: string): CoreMetadata {
  const byName = new Map<string, string[]>();
  for (const field of parseEmailHeaders(text)) {
    const key = field.name.toLowerCase();
    const list = byName.get(key);
    if (list === undefined) byName.set(key, [field.value]);
    else list.push(field.value);
  }
  const single = (name: string, required: boolean): string | null => {
    const values = byName.get(name.toLowerCase()) ?? [];
    if (values.length > 1) throw invalidMetadata(`The field ${name} appears ${values.length} times; it may appear once`);
    const value = values[0];
    if (value === undefined) {
      if (required) throw invalidMetadata(`The required field ${name} is missing`);
      return null;
    }
    return value;
  };
  const metadataVersion = single('Metadata-Version', true) ?? '';
  const versionMatch = /^\s*([0-9]+)\.([0-9]+)\s*$/.exec(metadataVersion);
  if (versionMatch === null) throw invalidMetadata(`Unrecognised Metadata-Version ${JSON.stringify(metadataVersion)}`);
  if (Number(versionMatch[1]) > 2) {
    throw invalidMetadata(`Metadata-Version ${metadataVersion} is newer than this tool understands (2.x)`);
  }
  return {
    metadataVersion: metadataVersion.trim(),
    name: single('Name', true) ?? '',
    version: single('Version', true) ?? '',
    requiresDist: byName.get('requires-dist') ?? [],
    requiresPython: single('Requires-Python', false),
    providesExtra: byName.get('provides-extra') ?? [],
    dynamic: byName.get('dynamic') ?? [],
  };
}
