/**
 * Reading a setup.cfg input the way setuptools does (setuptools/config/setupcfg.py):
 * `[options] install_requires` and `[options.extras_require]`, each a list: one requirement a
 * line when the value spans lines (a `;` there starts the marker), split at `;` when it is on
 * one line; blank items and items starting with `#` dropped. Only a static file can be locked:
 * a `file:` or `attr:` directive, `%` interpolation, or no `[options]` section (the dependencies
 * are then in setup.py) is an error that says so.
 */
import { normalizeExtra } from '../pep/names.js';
import { IniError, parseIni, type IniOption, type IniSection } from './ini.js';
import { listed, projectError, type ProjectEntry, type ProjectExtra, type ProjectInput } from './project.js';

const NOT_STATIC_HINT = 'pin-hashes reads only static setup.cfg values and runs no setup.py: write the requirements in setup.cfg itself, or lock a requirements file.';

export function readSetupCfg(text: string, file: string): ProjectInput {
  let sections: Map<string, IniSection>;
  try {
    sections = parseIni(text);
  } catch (error) {
    if (!(error instanceof IniError)) throw error;
    throw projectError(file, `cannot be read as setup.cfg (INI): ${error.message}`, 'Fix the line; setuptools reads setup.cfg with Python\'s configparser.', error.line);
  }
  const options = sections.get('options');
  if (options === undefined) {
    throw projectError(file, 'has no [options] section, so its dependencies are not static (setup.py sets them)', NOT_STATIC_HINT);
  }
  const metadata = sections.get('metadata');
  const name = single(file, metadata, 'name');
  const version = single(file, metadata, 'version');
  const install = optionOf(file, options, 'install_requires');
  const dependencies = install === undefined ? [] : requirementList(file, install, '[options] install_requires');
  const extras = new Map<string, ProjectExtra>();
  const extrasSection = sections.get('options.extras_require');
  for (const option of extrasSection?.options.values() ?? []) {
    const key = normalizeExtra(option.key);
    const previous = extras.get(key);
    if (previous !== undefined) {
      throw projectError(file, `[options.extras_require] defines the extra "${key}" twice (as ${listed([previous.written, option.key])})`, 'Extra names are compared normalized (PEP 685): merge the two.', option.line);
    }
    extras.set(key, { written: option.key, entries: requirementList(file, option, `[options.extras_require] ${option.key}`) });
  }
  return {
    file,
    name,
    version: version !== null && /^(file|attr):/.test(version) ? null : version,
    dependencies,
    dependenciesKey: '[options] install_requires',
    extrasKey: '[options.extras_require]',
    extras,
    extrasDynamic: null,
    groups: new Map(),
  };
}

/** setuptools warns about `install-requires` and reads it as install_requires; both at once is refused (setuptools silently takes one). */
function optionOf(file: string, section: IniSection, key: string): IniOption | undefined {
  const underscored = section.options.get(key);
  const dashed = key.includes('_') ? section.options.get(key.replace(/_/g, '-')) : undefined;
  if (underscored && dashed) {
    throw projectError(file, `[${section.name}] sets both ${underscored.key} and ${dashed.key}`, `Keep one of them (${underscored.key}).`, dashed.line);
  }
  return underscored ?? dashed;
}

function single(file: string, section: IniSection | undefined, key: string): string | null {
  const option = section === undefined ? undefined : optionOf(file, section, key);
  if (option === undefined) return null;
  const value = interpolated(file, option, option.lines.map((l) => l.text).join('\n').trim(), option.line);
  return value === '' ? null : value;
}

/** setuptools' `_parse_requirements_list`: one a line, or split at `;` on a single line. */
function requirementList(file: string, option: IniOption, where: string): ProjectEntry[] {
  const first = option.lines[0]?.text ?? '';
  const directive = /^(file|attr):/.exec(first);
  if (directive !== null) {
    throw projectError(file, `${where} uses a \`${directive[0]}\` directive, so it is not static`, NOT_STATIC_HINT, option.line);
  }
  const joined = option.lines.map((l) => l.text).join('\n').trimEnd();
  const items: ProjectEntry[] = joined.includes('\n')
    ? option.lines.map((l) => ({ text: l.text, line: l.line }))
    : first.split(';').map((text) => ({ text: text.trim(), line: option.line }));
  return items
    .filter((item) => item.text !== '' && !item.text.startsWith('#'))
    .map((item) => ({ text: interpolated(file, option, item.text, item.line), line: item.line }));
}

/** ConfigParser's BasicInterpolation: `%%` is `%`; a `%(name)s` reference is not expanded here (it is not static). */
function interpolated(file: string, option: IniOption, text: string, line: number): string {
  if (!text.includes('%')) return text;
  const rest = text.replace(/%%/g, '');
  if (rest.includes('%')) {
    throw projectError(file, `${option.key}: \`${text}\` uses % interpolation (configparser would expand or refuse it)`, 'Write %% for a literal %.', line);
  }
  return text.replace(/%%/g, '%');
}
