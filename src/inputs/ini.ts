/**
 * The part of Python's configparser that setuptools reads setup.cfg with (ConfigParser(),
 * `optionxform = str`): `[section]` headers, `key = value` or `key: value` (the first `=` or `:`
 * ends the key), values continued on lines indented deeper than their key, full-line comments
 * starting with `#` or `;` (skipped even inside a value; no inline comments), blank lines kept
 * inside a value. A duplicate section or key, or a line that is none of these, is an error, as
 * configparser's strict mode makes it.
 */

export interface IniValueLine {
  readonly text: string;
  readonly line: number;
}

export interface IniOption {
  readonly key: string;
  readonly line: number;
  /** The first line (after the delimiter, stripped) and each continuation line (stripped). */
  readonly lines: readonly IniValueLine[];
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly options: Map<string, IniOption>;
}

export class IniError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

// configparser's SECTCRE, matched at the start only: `[options] # deps` is the section options.
const SECTION = /^\[(?<name>.+)\]/;

export function parseIni(text: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>();
  let section: IniSection | null = null;
  let option: { key: string; lines: IniValueLine[]; indent: number } | null = null;
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const lineNo = index + 1;
    const stripped = raw.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      option?.lines.push({ text: '', line: lineNo });
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    if (option !== null && indent > option.indent) {
      option.lines.push({ text: stripped, line: lineNo });
      continue;
    }
    option = null;
    const header = SECTION.exec(stripped);
    if (header?.groups) {
      const name = header.groups['name'] ?? '';
      if (sections.has(name)) throw new IniError(lineNo, `the section [${name}] appears twice`);
      // configparser hands [DEFAULT]'s keys to every section (an install_requires there counts).
      if (name === 'DEFAULT') throw new IniError(lineNo, 'a [DEFAULT] section, whose keys configparser gives to every section: pin-hashes does not read it; move its keys into the sections that use them');
      section = { name, line: lineNo, options: new Map() };
      sections.set(name, section);
      continue;
    }
    if (section === null) throw new IniError(lineNo, 'text before the first [section] header');
    // The first `=` or `:` ends the key, as configparser's OPTCRE reads it (found by a scan: the
    // regular expression was quadratic on a long line without a delimiter).
    const at = stripped.search(/[=:]/);
    const key = at < 0 ? '' : stripped.slice(0, at).trimEnd();
    if (key === '') throw new IniError(lineNo, 'a line that is neither a [section], a key = value, nor an indented continuation');
    if (section.options.has(key)) throw new IniError(lineNo, `[${section.name}] sets ${key} twice`);
    option = { key, lines: [{ text: stripped.slice(at + 1).trim(), line: lineNo }], indent };
    section.options.set(key, { key, line: lineNo, lines: option.lines });
  }
  return sections;
}
