// Conformance with pypa/packaging's own test parameters (../shared/data/packaging-vectors).
// Every key of the vector file is either run here against our API or listed in SKIPPED with the
// reason; an unknown key fails, so a refreshed vector file cannot be half-ignored silently.
// The vectors hold parameters only (no test bodies), so each runner restates the assertion of
// the upstream test as described in the vector README; "(reconstructed)" marks the few whose
// body had to be inferred from the parameter names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData } from '../../helpers/paths.js';
import { ParseError } from '../../../src/errors.js';
import {
  Marker,
  Specifier,
  SpecifierSet,
  Version,
  canonicalizeVersion,
  formatRequirement,
  isNormalizedName,
  makeTarget,
  normalizeExtra,
  normalizeName,
  parsePythonPlatform,
  parseRequirement,
  parseSdistFilename,
  parseTag,
  parseWheelFilename,
  tagToString,
  type MarkerEnvironment,
} from '../../../src/pep/index.js';

type Params = Readonly<Record<string, unknown>>;
type Runner = (p: Params) => void;

// ---------------------------------------------------------------------------------------------
// Reading parameters out of untyped JSON

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(p: Params, key: string): string {
  const value = p[key];
  assert.equal(typeof value, 'string', `parameter ${key} should be a string`);
  return String(value);
}

function optStr(p: Params, key: string): string | null {
  return p[key] === null ? null : str(p, key);
}

function bool(p: Params, key: string): boolean {
  const value = p[key];
  assert.equal(typeof value, 'boolean', `parameter ${key} should be a boolean`);
  return value === true;
}

/** `null` in the vectors means "argument not passed". */
function optBool(p: Params, key: string): boolean | undefined {
  return p[key] === null || p[key] === undefined ? undefined : bool(p, key);
}

function list(p: Params, key: string): unknown[] {
  const value = p[key];
  assert.ok(Array.isArray(value), `parameter ${key} should be a list`);
  return value;
}

function strList(p: Params, key: string): string[] {
  return list(p, key).map((v) => {
    assert.equal(typeof v, 'string');
    return String(v);
  });
}

/** A version-ish parameter: a string, or `{"__type__": "Version", "str": ...}`. */
function candidate(value: unknown): Version | string {
  if (typeof value === 'string') return value;
  if (isRecord(value) && value['__type__'] === 'Version' && typeof value['str'] === 'string') {
    return Version.parse(value['str']);
  }
  throw new Error(`Assertion failed: not a version parameter: ${JSON.stringify(value)}`);
}

function candidates(p: Params, key: string): (Version | string)[] {
  return list(p, key).map(candidate);
}

function show(item: Version | string): string {
  return typeof item === 'string' ? `str:${item}` : `Version:${item.toString()}`;
}

function throwsParseError(fn: () => unknown, code?: string): void {
  assert.throws(fn, (error: unknown) => error instanceof ParseError && (code === undefined || error.code === code));
}

function stringsEnv(value: unknown): Record<string, string> {
  if (value === null || value === undefined) return {};
  assert.ok(isRecord(value));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    assert.equal(typeof v, 'string');
    out[k] = String(v);
  }
  return out;
}

// The marker tests' "host default" environment: a CPython 3.11 on x86_64 Linux, like the machine
// the vectors were captured on (the only default they rely on is os_name == 'posix').
const BASE_ENV: MarkerEnvironment = makeTarget('3.11', parsePythonPlatform('linux')).markerEnvironment;

function evaluateWith(marker: string, environment: unknown): boolean {
  const { extra, ...overrides } = stringsEnv(environment);
  return Marker.parse(marker).evaluate({ ...BASE_ENV, ...overrides }, extra ?? '');
}

function specifier(p: Params, key: string, prereleasesKey?: string): Specifier {
  return Specifier.parse(str(p, key), prereleasesKey === undefined ? undefined : optBool(p, prereleasesKey));
}

function specifierSet(p: Params, key: string, prereleasesKey?: string): SpecifierSet {
  return SpecifierSet.parse(str(p, key), prereleasesKey === undefined ? undefined : optBool(p, prereleasesKey));
}

function comparison<T extends { equals(other: T): boolean }>(p: Params, parse: (text: string) => T, truth: boolean): void {
  const op = p['op'];
  assert.ok(isRecord(op));
  const equal = parse(str(p, 'left')).equals(parse(str(p, 'right')));
  assert.equal(op['__callable__'] === 'eq' ? equal : !equal, truth);
}

// ---------------------------------------------------------------------------------------------
// Runners, by node id

const V = 'tests/test_version.py::';
const S = 'tests/test_specifiers.py::';
const M = 'tests/test_markers.py::';
const R = 'tests/test_requirements.py::';
const T = 'tests/test_tags.py::';
const U = 'tests/test_utils.py::';

function property(name: string, read: (v: Version) => unknown, key = name): Runner {
  return (p) => {
    const version = Version.parse(str(p, 'version'));
    assert.deepEqual(read(version), p[key] ?? null, `${name} of ${str(p, 'version')}`);
  };
}

const RUNNERS: Record<string, Runner> = {
  [`${V}TestVersion::test_valid_versions`]: (p) => {
    assert.ok(Version.tryParse(str(p, 'version')) !== null);
  },
  [`${V}TestVersion::test_invalid_versions`]: (p) => {
    assert.equal(Version.tryParse(str(p, 'version')), null);
    throwsParseError(() => Version.parse(str(p, 'version')), 'INVALID_VERSION');
  },
  [`${V}TestVersion::test_normalized_versions`]: (p) => {
    assert.equal(Version.parse(str(p, 'version')).toString(), str(p, 'normalized'));
  },
  [`${V}TestVersion::test_version_str_repr`]: (p) => {
    assert.equal(Version.parse(str(p, 'version')).toString(), str(p, 'expected'));
  },
  [`${V}TestVersion::test_version_public`]: property('public', (v) => v.public),
  [`${V}TestVersion::test_version_base_version`]: property('base_version', (v) => v.baseVersion),
  [`${V}TestVersion::test_version_epoch`]: property('epoch', (v) => v.epoch),
  [`${V}TestVersion::test_version_release`]: property('release', (v) => [...v.release]),
  [`${V}TestVersion::test_version_local`]: property('local', (v) => v.local),
  [`${V}TestVersion::test_version_pre`]: property('pre', (v) => (v.pre === null ? null : [...v.pre])),
  [`${V}TestVersion::test_version_dev`]: property('dev', (v) => v.dev),
  [`${V}TestVersion::test_version_post`]: property('post', (v) => v.post),
  [`${V}TestVersion::test_version_is_prerelease`]: property('is_prerelease', (v) => v.isPrerelease, 'expected'),
  [`${V}TestVersion::test_version_is_devrelease`]: property('is_devrelease', (v) => v.isDevrelease, 'expected'),
  [`${V}TestVersion::test_version_is_postrelease`]: property('is_postrelease', (v) => v.isPostrelease, 'expected'),
  [`${V}test_from_parts`]: (p) => {
    const args = p['args'];
    assert.ok(isRecord(args));
    const numberOrNull = (key: string): number | null => {
      const value = args[key];
      return typeof value === 'number' ? value : null;
    };
    const release = args['release'];
    const pre = args['pre'];
    assert.ok(Array.isArray(release));
    const built = Version.fromParts({
      epoch: numberOrNull('epoch'),
      release: release.map(Number),
      pre: Array.isArray(pre) ? [String(pre[0]), Number(pre[1])] : null,
      post: numberOrNull('post'),
      dev: numberOrNull('dev'),
      local: typeof args['local'] === 'string' ? args['local'] : null,
    });
    assert.ok(built.equals(Version.parse(str(p, 'string'))), `${built.toString()} vs ${str(p, 'string')}`);
  },

  // Specifier
  [`${S}TestSpecifier::test_specifiers_valid`]: (p) => {
    assert.ok(Specifier.tryParse(str(p, 'specifier')) !== null);
  },
  [`${S}TestSpecifier::test_specifiers_invalid`]: (p) => {
    throwsParseError(() => Specifier.parse(str(p, 'specifier')), 'INVALID_SPECIFIER');
  },
  [`${S}TestSpecifier::test_specifiers_normalized`]: (p) => {
    // (reconstructed) every operator that allows the version's shape accepts the spelling.
    const version = str(p, 'version');
    const ops = version.includes('+') ? ['==', '!='] : ['~=', '==', '!=', '<=', '>=', '<', '>'];
    for (const op of ops) assert.ok(Specifier.tryParse(op + version) !== null, op + version);
  },
  [`${S}TestSpecifier::test_specifiers_str_and_repr`]: (p) => {
    assert.equal(Specifier.parse(str(p, 'specifier')).toString(), str(p, 'expected'));
  },
  [`${S}TestSpecifier::test_comparison_true`]: (p) => comparison(p, (t) => Specifier.parse(t), true),
  [`${S}TestSpecifier::test_comparison_false`]: (p) => comparison(p, (t) => Specifier.parse(t), false),
  [`${S}TestSpecifier::test_comparison_canonicalizes`]: (p) => {
    assert.ok(Specifier.parse(str(p, 'left')).equals(Specifier.parse(str(p, 'right'))));
  },
  [`${S}TestSpecifier::test_specifiers`]: (p) => {
    const spec = Specifier.parse(str(p, 'spec_str'), true);
    assert.equal(spec.contains(str(p, 'version')), bool(p, 'expected'));
    assert.equal(spec.contains(Version.parse(str(p, 'version'))), bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_invalid_version`]: (p) => {
    assert.equal(specifier(p, 'spec_str').contains(str(p, 'version')), bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_specifier_prereleases_set`]: (p) => {
    const spec = specifier(p, 'specifier', 'initial_prereleases');
    assert.equal(spec.contains(str(p, 'version')), bool(p, 'initial_contains'));
    const changed = spec.withPrereleases(optBool(p, 'set_prereleases'));
    assert.equal(changed.contains(str(p, 'version')), bool(p, 'final_contains'));
  },
  [`${S}TestSpecifier::test_arbitrary_equality`]: (p) => {
    assert.equal(specifier(p, 'spec_str').contains(candidate(p['version'])), bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_arbitrary_equality_normalization`]: (p) => {
    assert.equal(specifier(p, 'spec_str').contains(candidate(p['version'])), bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_specifier_prereleases_detection`]: (p) => {
    const spec = specifier(p, 'specifier');
    assert.equal(spec.prereleases, bool(p, 'expected'));
    assert.equal(spec.namesPrerelease, bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_specifiers_prereleases`]: (p) => {
    const spec = specifier(p, 'specifier', 'spec_pre');
    assert.equal(spec.contains(str(p, 'version'), optBool(p, 'contains_pre')), bool(p, 'expected'));
  },
  [`${S}TestSpecifier::test_specifier_filter`]: (p) => {
    const spec = specifier(p, 'specifier', 'specifier_prereleases');
    const got = spec.filter(candidates(p, 'input'), { prereleases: optBool(p, 'prereleases') });
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifier::test_specifier_filter_arbitrary_equality_normalization`]: (p) => {
    const got = specifier(p, 'specifier').filter(candidates(p, 'input'));
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifier::test_specifier_operator_property`]: (p) => {
    assert.equal(Specifier.parse(str(p, 'spec')).operator, str(p, 'op'));
  },
  [`${S}TestSpecifier::test_specifier_version_property`]: (p) => {
    assert.equal(Specifier.parse(str(p, 'spec')).version, str(p, 'version'));
  },
  [`${S}TestSpecifier::test_length`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').specifiers.length, p['expected_length']);
  },
  [`${S}TestSpecifier::test_iteration`]: (p) => {
    assert.deepEqual(specifierSet(p, 'spec_str').specifiers.map(String), strList(p, 'expected_items'));
  },

  // SpecifierSet
  [`${S}TestSpecifierSet::test_empty_specifier`]: (p) => {
    const version = str(p, 'version');
    for (const set of [SpecifierSet.parse('', true), SpecifierSet.EMPTY]) {
      assert.ok(set.contains(version));
      assert.ok(set.contains(Version.parse(version)));
    }
  },
  [`${S}TestSpecifierSet::test_empty_specifier_arbitrary_string`]: (p) => {
    const got = SpecifierSet.EMPTY.filter(candidates(p, 'versions'), { prereleases: optBool(p, 'prereleases') });
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifierSet::test_empty_specifier_ordering_with_arbitrary`]: (p) => {
    const got = SpecifierSet.EMPTY.filter(candidates(p, 'versions'));
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifierSet::test_specifier_prereleases_explicit`]: (p) => {
    const set = specifierSet(p, 'spec_str', 'initial_prereleases');
    assert.equal(set.contains(str(p, 'version')), bool(p, 'initial_contains'));
    assert.equal(set.withPrereleases(optBool(p, 'set_prereleases')).contains(str(p, 'version')), bool(p, 'final_contains'));
  },
  [`${S}TestSpecifierSet::test_specifier_contains_installed_prereleases`]: (p) => {
    const set = specifierSet(p, 'specifier', 'spec_prereleases');
    const got = set.contains(str(p, 'version'), {
      prereleases: optBool(p, 'contains_prereleases'),
      installed: optBool(p, 'installed'),
    });
    assert.equal(got, bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_specifier_filter`]: (p) => {
    const set = specifierSet(p, 'specifier', 'specifier_prereleases');
    const got = set.filter(candidates(p, 'input'), { prereleases: optBool(p, 'prereleases') });
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifierSet::test_filter_exclusionary_bridges`]: (p) => {
    const got = specifierSet(p, 'specifier').filter(candidates(p, 'input'), { prereleases: optBool(p, 'prereleases') });
    assert.deepEqual(got.map(show), candidates(p, 'expected').map(show));
  },
  [`${S}TestSpecifierSet::test_contains_exclusionary_bridges`]: (p) => {
    const set = specifierSet(p, 'specifier');
    assert.equal(set.contains(str(p, 'version'), { prereleases: optBool(p, 'prereleases') }), bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_contains_rejects_invalid_specifier`]: (p) => {
    // (reconstructed) text that is not a version is never contained in a standard specifier.
    assert.equal(specifierSet(p, 'specifier').contains(str(p, 'input')), false);
    assert.equal(specifierSet(p, 'specifier').contains(str(p, 'input'), { prereleases: true }), false);
  },
  [`${S}TestSpecifierSet::test_contains_post_release_boundary_intersection`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').contains(str(p, 'version')), bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_contains_arbitrary_equality_contains`]: (p) => {
    assert.equal(specifierSet(p, 'specifier').contains(candidate(p['version'])), bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_contains_arbitrary_equality_normalization`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').contains(candidate(p['version'])), bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_specifiers_str_and_repr`]: (p) => {
    assert.equal(specifierSet(p, 'specifier').toString(), str(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_specifiers_combine`]: (p) => {
    const combined = specifierSet(p, 'left').intersect(specifierSet(p, 'right'));
    assert.ok(combined.equals(specifierSet(p, 'expected')), combined.toString());
  },
  [`${S}TestSpecifierSet::test_comparison_true`]: (p) => comparison(p, (t) => SpecifierSet.parse(t), true),
  [`${S}TestSpecifierSet::test_comparison_false`]: (p) => comparison(p, (t) => SpecifierSet.parse(t), false),
  [`${S}TestSpecifierSet::test_comparison_canonicalizes`]: (p) => {
    assert.ok(specifierSet(p, 'left').equals(specifierSet(p, 'right')));
  },
  [`${S}TestSpecifierSet::test_comparison_ignores_local`]: (p) => {
    assert.equal(specifierSet(p, 'specifier').contains(str(p, 'version')), bool(p, 'expected'));
  },
  [`${S}TestSpecifierSet::test_arbitrary_equality_is_intersection_preserving`]: (p) => {
    // (reconstructed) filtering by the intersection keeps what both sets contain.
    const first = specifierSet(p, 'spec1');
    const second = specifierSet(p, 'spec2');
    const inputs = strList(p, 'input_versions');
    const expected = inputs.filter((v) => first.contains(v) && second.contains(v));
    assert.deepEqual(first.intersect(second).filter(inputs), expected);
    assert.deepEqual(second.intersect(first).filter(inputs), expected);
  },
  [`${S}TestIsUnsatisfiable::test_unsatisfiable`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').isUnsatisfiable(), true);
  },
  [`${S}TestIsUnsatisfiable::test_satisfiable`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').isUnsatisfiable(), false);
  },
  [`${S}TestIsUnsatisfiable::test_unsatisfiable_prereleases_false`]: (p) => {
    assert.equal(SpecifierSet.parse(str(p, 'spec_str'), false).isUnsatisfiable(), true);
  },
  [`${S}TestIsUnsatisfiable::test_satisfiable_prereleases_false`]: (p) => {
    assert.equal(SpecifierSet.parse(str(p, 'spec_str'), false).isUnsatisfiable(), false);
  },
  [`${S}TestIsUnsatisfiable::test_post_release_boundary_unsatisfiable`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').isUnsatisfiable(), true);
  },
  [`${S}test_boundary_closure_short_release`]: (p) => {
    assert.equal(specifierSet(p, 'spec_str').contains(str(p, 'version_str')), bool(p, 'expected'));
    assert.equal(specifier(p, 'spec_str').contains(str(p, 'version_str')), bool(p, 'expected'));
  },

  // Markers
  [`${M}TestNode::test_value_serialize_chooses_quote_delimiter`]: (p) => {
    const value = str(p, 'value');
    const literal = value.includes('"') ? `'${value}'` : `"${value}"`;
    assert.equal(Marker.parse(`os_name == ${literal}`).toString(), `os_name == ${str(p, 'expected')}`);
  },
  [`${M}TestMarker::test_parses_valid`]: (p) => {
    assert.ok(Marker.tryParse(str(p, 'marker_string')) !== null);
  },
  [`${M}TestMarker::test_parses_invalid`]: (p) => {
    throwsParseError(() => Marker.parse(str(p, 'marker_string')), 'INVALID_MARKER');
  },
  [`${M}TestMarker::test_parses_invalid_trailing_line_break`]: (p) => {
    throwsParseError(() => Marker.parse(`python_version >= "3"${str(p, 'line_break')}`), 'INVALID_MARKER');
  },
  [`${M}TestMarker::test_parses_trailing_horizontal_whitespace`]: (p) => {
    assert.equal(Marker.parse(`python_version >= "3"${str(p, 'whitespace')}`).toString(), 'python_version >= "3"');
  },
  [`${M}TestMarker::test_parses_invalid_malformed_quoted_string`]: (p) => {
    const expected = str(p, 'expected').replace(/^packaging\.markers\.InvalidMarker: /, '');
    assert.throws(
      () => Marker.parse(str(p, 'marker_string')),
      (error: unknown) => error instanceof ParseError && error.code === 'INVALID_MARKER' && error.message === expected,
    );
  },
  [`${M}TestMarker::test_evaluates`]: (p) => {
    assert.equal(evaluateWith(str(p, 'marker_string'), p['environment']), bool(p, 'expected'));
  },
  [`${M}TestMarker::test_parses_pep345_valid`]: (p) => {
    assert.ok(Marker.tryParse(str(p, 'marker_string')) !== null);
  },
  [`${M}TestMarker::test_evaluate_pep345_markers`]: (p) => {
    assert.equal(evaluateWith(str(p, 'marker_string'), p['environment']), bool(p, 'expected'));
  },
  [`${M}TestMarker::test_parses_setuptools_legacy_valid`]: (p) => {
    assert.ok(Marker.tryParse(str(p, 'marker_string')) !== null);
  },
  [`${M}TestMarker::test_membership_value_str_normalization`]: (p) => {
    // (reconstructed) the literal on the left of `in` is normalised like the set's members.
    const variable = str(p, 'variable');
    const sets = variable === 'extras' ? { extras: ['foo-bar'] } : { dependencyGroups: ['foo-bar'] };
    assert.equal(Marker.parse(`"Foo_Bar" in ${variable}`).evaluate(BASE_ENV, '', sets), true);
  },
  [`${M}TestMarker::test_membership_value_str_normalization_negated`]: (p) => {
    const variable = str(p, 'variable');
    const sets = variable === 'extras' ? { extras: ['foo-bar'] } : { dependencyGroups: ['foo-bar'] };
    assert.equal(Marker.parse(`"Foo_Bar" not in ${variable}`).evaluate(BASE_ENV, '', sets), false);
  },
  [`${M}TestMarker::test_extras_and_dependency_groups`]: (p) => {
    const variable = str(p, 'variable');
    const marker = Marker.parse(str(p, 'expression').replaceAll('{0}', variable));
    const members = ['foo', 'bar'];
    const sets = variable === 'extras' ? { extras: members } : { dependencyGroups: members };
    assert.equal(marker.evaluate(BASE_ENV, '', sets), bool(p, 'result'));
  },
  [`${M}TestMarker::test_extras_and_dependency_groups_disallowed`]: (p) => {
    const marker = Marker.parse(`"foo" in ${str(p, 'variable')}`);
    throwsParseError(() => marker.evaluate(BASE_ENV), 'UNDEFINED_MARKER_VARIABLE');
  },
  [`${M}TestMarker::test_set_valued_marker_on_lhs_raises_undefined_comparison`]: (p) => {
    const marker = Marker.parse(`${str(p, 'variable')} ${str(p, 'op')} "foo"`);
    throwsParseError(() => marker.evaluate(BASE_ENV, '', { extras: ['foo'], dependencyGroups: ['foo'] }), 'UNDEFINED_MARKER_COMPARISON');
  },
  [`${M}TestMarker::test_version_like_equality`]: (p) => {
    assert.equal(evaluateWith(str(p, 'marker_string'), p['environment']), bool(p, 'expected'));
  },

  // Requirements
  [`${R}test_basic_valid_requirement_parsing`]: (p) => {
    const ws = str(p, 'whitespace');
    const name = str(p, 'name');
    const extras = strList(p, 'extras');
    const spec = str(p, 'specifier');
    const url = optStr(p, 'url');
    const marker = optStr(p, 'marker');
    const parts = [name];
    if (extras.length > 0) parts.push('[', [...extras].sort().join('{ws},{ws}'), ']');
    if (spec !== '') parts.push(spec);
    if (url !== null) parts.push('@', url);
    if (marker !== null) parts.push(url !== null ? ' ;' : ';', marker);
    const text = parts.join(ws).replaceAll('{ws}', ws);

    const req = parseRequirement(text);
    assert.equal(req.rawName, name, text);
    assert.equal(req.name, normalizeName(name));
    // Our extras are PEP 685-normalised, sorted and unique (packaging keeps the spelling).
    assert.deepEqual(req.extras, [...new Set(extras.map(normalizeExtra))].sort());
    assert.equal(req.url, url);
    const expectedSpec = SpecifierSet.parse(spec.replaceAll('{ws}', '').replace(/^[()]+|[()]+$/g, ''));
    assert.ok(req.specifier.equals(expectedSpec), `${req.specifier.toString()} vs ${expectedSpec.toString()}`);
    if (marker === null) assert.equal(req.marker, null);
    else assert.equal(req.marker?.toString(), Marker.parse(marker.replaceAll('{ws}', '')).toString());
  },
  [`${R}test_normalized_requirements`]: (p) => {
    assert.equal(formatRequirement(parseRequirement(str(p, 'input_req'))), str(p, 'norm_req'));
  },
  [`${R}TestRequirementParsing::test_valid_marker`]: (p) => {
    const req = parseRequirement(`name; ${str(p, 'marker')}`);
    assert.ok(req.marker !== null);
  },
  [`${R}TestRequirementParsing::test_file_url`]: (p) => {
    assert.equal(parseRequirement(`name @ ${str(p, 'url')}`).url, str(p, 'url'));
  },
  [`${R}TestRequirementParsing::test_error_when_suffixed_with_line_break`]: (p) => {
    throwsParseError(() => parseRequirement(str(p, 'requirement') + str(p, 'line_break')), 'INVALID_REQUIREMENT');
  },
  [`${R}TestRequirementParsing::test_trailing_horizontal_whitespace`]: (p) => {
    const ws = str(p, 'whitespace');
    for (const text of ['name', 'name>=1', 'name; python_version >= "3"', 'name @ https://example.com/x.zip']) {
      assert.ok(parseRequirement(text + ws).rawName === 'name', JSON.stringify(text + ws));
    }
  },
  [`${R}TestRequirementParsing::test_error_when_prefix_match_uses_post_release`]: (p) => {
    assert.throws(
      () => parseRequirement(`name${str(p, 'operator')}1.0.post1.*`),
      (e: unknown) => e instanceof ParseError && e.code === 'INVALID_REQUIREMENT' && e.message.includes('.* suffix can only be used'),
    );
  },
  [`${R}TestRequirementParsing::test_error_when_local_version_label_is_used_incorrectly`]: (p) => {
    assert.throws(
      () => parseRequirement(`name${str(p, 'operator')}1.0+local`),
      (e: unknown) =>
        e instanceof ParseError && e.code === 'INVALID_REQUIREMENT' && e.message.includes('Local version label can only be used'),
    );
  },
  [`${R}TestRequirementParsing::test_error_invalid_marker_malformed_quoted_string`]: (p) => {
    const expected = str(p, 'expected').replace(/^packaging\.requirements\.InvalidRequirement: /, '');
    assert.throws(
      () => parseRequirement(str(p, 'to_parse')),
      (e: unknown) => e instanceof ParseError && e.code === 'INVALID_REQUIREMENT' && e.message === expected,
    );
  },
  [`${R}TestRequirementBehaviour::test_str_and_repr`]: (p) => {
    const text = `name${str(p, 'extras')}${str(p, 'url_or_specifier')}${str(p, 'marker')}`;
    assert.equal(formatRequirement(parseRequirement(text)), text.trimEnd());
  },

  // Tags
  [`${T}TestParseTag::test_empty_component_raises`]: (p) => {
    throwsParseError(() => parseTag(str(p, 'tag')), 'INVALID_TAG');
  },
  [`${T}TestParseTag::test_invalid_interpreter_raises`]: (p) => {
    throwsParseError(() => parseTag(str(p, 'tag')), 'INVALID_TAG');
  },
  [`${T}TestParseTag::test_identifier_interpreter_is_valid`]: (p) => {
    const interpreter = str(p, 'interpreter');
    assert.deepEqual(parseTag(`${interpreter}-none-any`).map(tagToString), [`${interpreter.toLowerCase()}-none-any`]);
  },
  [`${T}TestParseTag::test_invalid_component_count_raises`]: (p) => {
    throwsParseError(() => parseTag(str(p, 'tag')), 'INVALID_TAG');
  },

  // Utilities
  [`${U}test_canonicalize_name`]: (p) => {
    assert.equal(normalizeName(str(p, 'name')), str(p, 'expected'));
  },
  [`${U}test_canonicalize_name_invalid`]: (p) => {
    assert.equal(normalizeName(str(p, 'name')), str(p, 'expected'));
  },
  [`${U}test_is_normalized_name`]: (p) => {
    assert.ok(isNormalizedName(str(p, 'expected')));
    if (str(p, 'name') !== str(p, 'expected')) assert.ok(!isNormalizedName(str(p, 'name')), str(p, 'name'));
  },
  [`${U}test_canonicalize_version`]: (p) => {
    assert.equal(canonicalizeVersion(candidate(p['version'])), str(p, 'expected'));
  },
  [`${U}test_canonicalize_version_no_strip_trailing_zero`]: (p) => {
    assert.equal(canonicalizeVersion(str(p, 'version'), false), str(p, 'version'));
  },
  [`${U}test_parse_wheel_filename`]: (p) => {
    const wheel = parseWheelFilename(str(p, 'filename'));
    assert.equal(wheel.name, str(p, 'name'));
    const version = candidate(p['version']);
    assert.ok(typeof version !== 'string' && wheel.version.equals(version));
    const build = list(p, 'build');
    assert.deepEqual(wheel.build === null ? [] : [...wheel.build], build);
    const tags = list(p, 'tags').map((t) => (isRecord(t) && typeof t['str'] === 'string' ? t['str'] : ''));
    assert.deepEqual(wheel.tags.map(tagToString).sort(), [...tags].sort());
  },
  [`${U}test_parse_wheel_invalid_filename`]: (p) => {
    throwsParseError(() => parseWheelFilename(str(p, 'filename')), 'INVALID_FILENAME');
  },
  [`${U}test_parse_wheel_unsorted_tags_valid_by_default`]: (p) => {
    assert.ok(parseWheelFilename(str(p, 'filename')).tags.length > 0);
  },
  [`${U}test_parse_wheel_unsorted_tags_invalid_with_validate`]: (p) => {
    throwsParseError(() => parseWheelFilename(str(p, 'filename'), { validateOrder: true }), 'INVALID_FILENAME');
  },
  [`${U}test_parse_sdist_filename`]: (p) => {
    const sdist = parseSdistFilename(str(p, 'filename'));
    assert.equal(sdist.name, str(p, 'name'));
    const version = candidate(p['version']);
    assert.ok(typeof version !== 'string' && sdist.version.equals(version));
  },
  [`${U}test_parse_sdist_invalid_filename`]: (p) => {
    throwsParseError(() => parseSdistFilename(str(p, 'filename')), 'INVALID_FILENAME');
  },
};

/** Keys not run, and why. Everything else in the vector file must have a runner. */
const SKIPPED: Record<string, string> = {
  [`${S}TestSpecifierSet::test_is_subset`]: 'set relations (is_subset) are not part of our API',
  [`${S}TestSpecifierSet::test_is_superset`]: 'set relations (is_superset) are not part of our API',
  [`${S}TestSpecifierSet::test_is_disjoint`]: 'set relations (is_disjoint) are not part of our API',
  [`${S}TestSpecifierSet::test_set_relations_raise_on_prerelease_policy_mismatch`]: 'set relations are not part of our API',
  [`${S}TestSpecifierSet::test_set_relations_require_specifierset`]: 'Python type checks of set relations',
  [`${S}TestSpecifierSet::test_set_relations_reject_arbitrary_equality`]: 'set relations are not part of our API',
  [`${S}TestIsUnsatisfiable::test_contains_identical_across_canonicalization`]: 'checks that packaging\'s mutable canonicalisation cache does not change answers; our sets are immutable',
  [`${S}TestSpecifierSetToRangeEquivalence::test_contains_equivalent`]: 'compares against packaging.ranges, which we do not expose',
  [`${S}TestSpecifierSetToRangeEquivalence::test_filter_equivalent`]: 'compares against packaging.ranges, which we do not expose',
  [`${S}TestSpecifierSetToRangeEquivalence::test_to_specifier_set_roundtrip_matches`]: 'packaging.ranges round trip, not exposed',
  [`${S}TestSpecifierSetToRangeEquivalence::test_contains_equivalent_with_version_objects`]: 'compares against packaging.ranges, not exposed',
  [`${M}TestNode::test_accepts_value`]: 'Python Node class internals (any object as value)',
  [`${M}TestNode::test_str`]: 'Python Node class internals',
  [`${M}TestNode::test_repr`]: 'Python repr()',
  [`${T}TestCPythonTags::test_skip_redundant_abis`]: 'cpython_tags with caller-chosen ABI lists is not part of our API',
  [`${T}test_create_compatible_tags_selector`]: 'the selector helper is not part of our API (Target.tagPriority ranks files)',
};

// ---------------------------------------------------------------------------------------------

const dataDir = sharedData('packaging-vectors');

test('packaging conformance vectors', async (t) => {
  if (dataDir === undefined) {
    t.skip('shared data packaging-vectors absent');
    return;
  }
  const data: unknown = JSON.parse(readFileSync(join(dataDir, 'packaging_test_vectors.json'), 'utf8'));
  assert.ok(isRecord(data) && isRecord(data['tests']));
  const tests = data['tests'];
  const ordered = data['versions_ordered_ascending'];
  assert.ok(Array.isArray(ordered));

  await t.test('versions_ordered_ascending sort strictly ascending, checked on every pair', () => {
    const versions = ordered.map((v) => Version.parse(String(v)));
    let pairs = 0;
    versions.forEach((a, i) =>
      versions.forEach((b, j) => {
        assert.equal(a.compare(b), Math.sign(i - j), `${a.toString()} vs ${b.toString()}`);
        assert.equal(a.equals(b), i === j);
        pairs++;
      }),
    );
    console.log(`versions_ordered_ascending: ${pairs} pairs passed, 0 skipped`);
  });

  for (const [key, cases] of Object.entries(tests)) {
    assert.ok(Array.isArray(cases));
    const reason = SKIPPED[key];
    const runner = RUNNERS[key];
    if (reason !== undefined) {
      console.log(`${key}: 0 passed, ${cases.length} skipped (${reason})`);
      continue;
    }
    await t.test(`${key} holds for every parameter set`, () => {
      assert.ok(runner !== undefined, `no runner and no SKIPPED entry for ${key}`);
      const failures: string[] = [];
      for (const params of cases) {
        assert.ok(isRecord(params));
        try {
          runner(params);
        } catch (error) {
          failures.push(`${JSON.stringify(params)}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      console.log(`${key}: ${cases.length - failures.length} passed, 0 skipped${failures.length > 0 ? `, ${failures.length} FAILED` : ''}`);
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${cases.length} cases failed`);
    });
  }
});
