// uv's requirements.txt parser fixtures (crates/uv-requirements-txt/test-data/requirements-txt)
// with the results uv recorded in its insta snapshots (src/snapshots/*.snap). For each fixture we
// read the same names, extras, specifiers, URLs, markers and hashes, or we refuse the file where
// uv refuses it or where a hash lock cannot hold what uv accepted (unnamed paths, editables, VCS).
//
// Compared: every fixture (basic, constraints-a, constraints-b, empty, for-poetry, include-a,
// include-b, poetry-with-hashes, small, whitespace, bare-url, editable, hash, semicolon), each
// once as stored and once with its line endings swapped (uv's `line_endings` test).
// uv rewrites markers (`platform_system == "Windows"` -> `sys_platform == 'win32'`), so markers are compared
// by evaluating both on a grid of Linux/Windows environments and Python versions.
// Skipped: the `parse-windows-*` snapshots (same inputs as `parse-unix-*` read on Windows, where
// paths differ; we refuse those inputs either way); uv's inline tests in lib.rs are not data here.
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PinHashesError } from '../../../src/errors.js';
import { Marker, type MarkerEnvironment } from '../../../src/pep/markers.js';
import { readRequirementsFiles, type InputRequirement } from '../../../src/requirements/index.js';
import { sharedData } from '../../helpers/paths.js';

const uvCrate = sharedData('uv-fixtures/crates/uv-requirements-txt');
const fixtureDir = uvCrate === undefined ? '' : join(uvCrate, 'test-data', 'requirements-txt');
const snapshotDir = uvCrate === undefined ? '' : join(uvCrate, 'src', 'snapshots');

/** One requirement as uv's snapshot prints it. */
interface UvEntry {
  named: boolean;
  name: string | null;
  extras: string[];
  specifiers: string[];
  /** `given` of a URL requirement, as written. */
  url: string | null;
  /** uv's canonical marker text, 'true' when there is none. */
  marker: string;
  hashes: string[];
}

interface UvSnapshot {
  error: boolean;
  requirements: UvEntry[];
  constraints: UvEntry[];
  editables: UvEntry[];
  /** Top-level scalar fields such as `index_url: None` -> 'None'. */
  settings: Map<string, string>;
}

const UV_OPERATORS: Record<string, string> = {
  Equal: '==', NotEqual: '!=', GreaterThan: '>', GreaterThanEqual: '>=', LessThan: '<', LessThanEqual: '<=',
  TildeEqual: '~=', ExactEqual: '===', EqualStar: '==', NotEqualStar: '!=',
};

function quoted(line: string | undefined): string {
  const match = /^\s*"((?:[^"\\]|\\.)*)",?$/.exec(line ?? '');
  if (match?.[1] === undefined) throw new Error(`Assertion failed: quoted string expected in snapshot line ${JSON.stringify(line)}`);
  const value: unknown = JSON.parse(`"${match[1]}"`);
  if (typeof value !== 'string') throw new Error('Assertion failed: a JSON string literal decodes to a string');
  return value;
}

/** Reads the Rust Debug output in an insta snapshot, line by line (it is indented 4 per level). */
function parseSnapshot(text: string): UvSnapshot {
  const body = text.split('\n---\n').slice(1).join('\n---\n');
  const lines = body.split('\n');
  const snapshot: UvSnapshot = { error: !body.trimStart().startsWith('RequirementsTxt {'), requirements: [], constraints: [], editables: [], settings: new Map() };
  if (snapshot.error) return snapshot;
  let section: UvEntry[] | null = null;
  let entry: UvEntry | null = null;
  let inHashes = false;
  let operator: string | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const top = /^ {4}(\w+): (.*)$/.exec(line);
    if (top !== null) {
      const [, key = '', value = ''] = top;
      section = key === 'requirements' ? snapshot.requirements : key === 'constraints' ? snapshot.constraints : key === 'editables' ? snapshot.editables : null;
      if (section === null) snapshot.settings.set(key, value.replace(/,$/, ''));
      entry = null;
      continue;
    }
    if (section === null) continue;
    if (/^ {8}\w+ \{$/.test(line)) {
      entry = { named: true, name: null, extras: [], specifiers: [], url: null, marker: 'true', hashes: [] };
      section.push(entry);
      inHashes = false;
      continue;
    }
    if (entry === null) continue;
    const trimmed = line.trim();
    if (trimmed === 'requirement: Unnamed(') entry.named = false;
    else if (trimmed === 'name: PackageName(') entry.name = quoted(lines[++index]);
    else if (trimmed === 'ExtraName(') entry.extras.push(quoted(lines[++index]));
    else if (trimmed.startsWith('operator: ')) operator = trimmed.slice('operator: '.length).replace(/,$/, '');
    else if (trimmed.startsWith('version: ') && operator !== null) {
      const symbol = UV_OPERATORS[operator];
      if (symbol === undefined) throw new Error(`Assertion failed: unknown uv operator ${operator}`);
      entry.specifiers.push(symbol + quoted(trimmed.slice('version: '.length)) + (operator.endsWith('Star') ? '.*' : ''));
      operator = null;
    } else if (trimmed === 'given: Some(') entry.url = quoted(lines[++index]);
    else if (trimmed.startsWith('marker: ')) entry.marker = trimmed.slice('marker: '.length).replace(/,$/, '');
    else if (trimmed === 'hashes: [') inHashes = true;
    else if (inHashes && (trimmed === '],' || trimmed === '[],')) inHashes = false;
    else if (inHashes) entry.hashes.push(quoted(line));
    else if (trimmed === 'hashes: [],') inHashes = false;
  }
  return snapshot;
}

function baseEnvironment(python: string, windows: boolean): MarkerEnvironment {
  const [major = '3', minor = '0'] = python.split('.');
  return {
    implementation_name: 'cpython', implementation_version: python, os_name: windows ? 'nt' : 'posix',
    platform_machine: windows ? 'AMD64' : 'x86_64', platform_python_implementation: 'CPython', platform_release: '',
    platform_system: windows ? 'Windows' : 'Linux', platform_version: '', python_full_version: python,
    python_version: `${major}.${minor}`, sys_platform: windows ? 'win32' : 'linux',
  };
}

const ENVIRONMENTS = ['2.7.18', '3.7.9', '3.8.0', '3.9.18', '3.12.1', '3.99.0', '4.0.0', '4.1.2'].flatMap((python) => [
  baseEnvironment(python, false),
  baseEnvironment(python, true),
]);

/** Markers are compared by what they decide: uv rewrites them (python_version -> python_full_version). */
function assertSameMarker(ours: Marker | null, uvText: string, label: string): void {
  const theirs = uvText === 'true' ? null : Marker.parse(uvText);
  for (const environment of ENVIRONMENTS) {
    const expected = theirs === null ? true : theirs.evaluate(environment);
    const actual = ours === null ? true : ours.evaluate(environment);
    assert.equal(actual, expected, `${label}: marker ${String(ours)} vs uv's ${uvText} on python ${environment.python_full_version} ${environment.sys_platform}`);
  }
}

function assertSameEntries(ours: readonly InputRequirement[], theirs: readonly UvEntry[], label: string): void {
  assert.deepEqual(ours.map((entry) => String(entry.requirement.name)), theirs.map((entry) => entry.name), `${label}: names`);
  theirs.forEach((expected, index) => {
    const actual = ours[index];
    assert.ok(actual !== undefined);
    const what = `${label} ${expected.name ?? '?'}`;
    assert.deepEqual([...actual.requirement.extras], [...expected.extras].sort(), `${what}: extras`);
    assert.deepEqual(actual.requirement.specifier.specifiers.map((clause) => `${clause.operator}${clause.version}`).sort(), [...expected.specifiers].sort(), `${what}: specifiers`);
    assert.equal(actual.requirement.url, expected.url, `${what}: url`);
    assert.deepEqual([...actual.hashes], expected.hashes, `${what}: hashes`);
    assertSameMarker(actual.requirement.marker, expected.marker, what);
  });
}

/** What uv accepted that a hash lock cannot hold: the physical line where it is written. */
function firstRefusedLine(fixture: string, snapshot: UvSnapshot): number | null {
  const physical = fixture.split(/\r\n|\n|\r/);
  if (snapshot.editables.length > 0) return physical.findIndex((line) => line.trimStart().startsWith('-e')) + 1;
  const refused = snapshot.requirements.find((entry) => !entry.named || (entry.url !== null && /^(git|hg|svn|bzr)\+/.test(entry.url)));
  if (refused?.url == null) return null;
  const url = refused.url;
  return physical.findIndex((line) => line.includes(url)) + 1;
}

async function snapshotFor(kind: 'parse' | 'line-endings', fixture: string): Promise<UvSnapshot | null> {
  for (const name of [`uv_requirements_txt__test__${kind}-${fixture}.snap`, `uv_requirements_txt__test__${kind}-unix-${fixture}.snap`]) {
    try {
      return parseSnapshot(await readFile(join(snapshotDir, name), 'utf8'));
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
  }
  return null;
}

/** A copy of the fixture folder, with `fixture`'s line endings swapped when asked (uv's test does the same). */
async function fixtureCopy(fixture: string, swapLineEndings: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-uv-'));
  for (const name of await readdir(fixtureDir)) await copyFile(join(fixtureDir, name), join(dir, name));
  if (swapLineEndings) {
    const text = await readFile(join(dir, fixture), 'utf8');
    await writeFile(join(dir, fixture), text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text.replaceAll('\n', '\r\n'));
  }
  return dir;
}

describe('uv requirements-txt fixtures', async () => {
  if (uvCrate === undefined) {
    it('are compared when ../shared/data/uv-fixtures is present', (t) => t.skip('uv-fixtures absent'));
    return;
  }
  const fixtures = (await readdir(fixtureDir)).filter((name) => name.endsWith('.txt')).sort();
  it('have snapshots this test reads correctly', async () => {
    // Guards the snapshot reader itself: a reader that extracted nothing would pass every fixture.
    const hashes = await snapshotFor('parse', 'poetry-with-hashes.txt');
    assert.deepEqual(hashes?.requirements.map((entry) => [entry.name, entry.hashes.length]), [
      ['werkzeug', 1], ['urllib3', 1], ['ansicon', 1], ['requests-oauthlib', 2], ['psycopg2', 4],
    ]);
    assert.deepEqual(hashes?.requirements[4]?.specifiers, ['==2.9.5']);
    assert.equal(hashes?.requirements[2]?.marker, "python_full_version >= '3.8' and python_full_version < '4' and sys_platform == 'win32'");
    const poetry = await snapshotFor('parse', 'for-poetry.txt');
    assert.deepEqual(poetry?.requirements[3], {
      named: true, name: 'pandas', extras: ['tabulate'], specifiers: ['>=1', '<2'], url: null, marker: 'true', hashes: [],
    });
    const constraints = await snapshotFor('parse', 'constraints-a.txt');
    assert.deepEqual(constraints?.constraints.map((entry) => entry.name), ['django', 'pytz']);
    const editable = await snapshotFor('parse', 'editable.txt');
    assert.equal(editable?.editables.length, 8);
    assert.equal((await snapshotFor('parse', 'hash.txt'))?.error, true);
  });

  it('are all present with a snapshot', async () => {
    assert.ok(fixtures.length >= 14, `only ${fixtures.length} fixtures`);
    for (const fixture of fixtures) assert.notEqual(await snapshotFor('parse', fixture), null, `no snapshot for ${fixture}`);
  });

  for (const fixture of fixtures) {
    for (const kind of ['parse', 'line-endings'] as const) {
      it(`${fixture} (${kind === 'parse' ? 'as stored' : 'line endings swapped'}) reads as uv read it, or is refused`, async (t) => {
        const snapshot = (await snapshotFor(kind, fixture)) ?? (kind === 'line-endings' ? await snapshotFor('parse', fixture) : null);
        if (snapshot === null) return t.skip(`no snapshot for ${fixture}`);
        const dir = await fixtureCopy(fixture, kind === 'line-endings');
        try {
          const text = await readFile(join(dir, fixture), 'utf8');
          const refusedLine = snapshot.error ? null : firstRefusedLine(text, snapshot);
          if (snapshot.error || refusedLine !== null) {
            await assert.rejects(readRequirementsFiles([fixture], { cwd: dir, env: {} }), (error: unknown) => {
              assert.ok(error instanceof PinHashesError, String(error));
              assert.equal(error.code, 'INPUT_ERROR');
              if (refusedLine !== null) {
                assert.ok(error.message.startsWith(`${fixture}:${refusedLine}: `), error.message);
                assert.match(error.message, /version-control|editable|project name|local path/);
              }
              else assert.match(error.message, new RegExp(`^${fixture.replace('.', '\\.')}:\\d+: `));
              return true;
            });
            return;
          }
          const input = await readRequirementsFiles([fixture], { cwd: dir, env: {} });
          assertSameEntries(input.requirements, snapshot.requirements, fixture);
          assertSameEntries(input.constraints, snapshot.constraints, `${fixture} constraints`);
          assert.equal(snapshot.settings.get('index_url'), 'None');
          assert.equal(input.indexUrl, null);
          assert.equal(snapshot.settings.get('no_index'), String(input.noIndex));
          assert.equal(snapshot.settings.get('require_hashes'), String(input.requireHashes));
          assert.equal(snapshot.settings.get('extra_index_urls'), input.extraIndexUrls.length === 0 ? '[]' : 'not empty');
          assert.equal(snapshot.settings.get('find_links'), input.findLinks.length === 0 ? '[]' : 'not empty');
          assert.equal(snapshot.settings.get('no_binary'), input.formatControl.noBinary.size === 0 ? 'None' : 'set');
          assert.equal(snapshot.settings.get('only_binary'), input.formatControl.onlyBinary.size === 0 ? 'None' : 'set');
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
