// The cooldown's grammar (durations and dates), its per-package exceptions, which files survive
// it, and the header line whose reference time `check` reads back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cooldownLine, cutoffFor, filesBeforeCutoff, makeCooldown, parseCooldown, parseCooldownReference } from '../../../src/provider/cooldown.js';
import { parseUploadTime } from '../../../src/package-index/links.js';
import { normalizeName } from '../../../src/pep/names.js';
import type { IndexedFile } from '../../../src/package-index/types.js';

const H = 3_600_000;
const D = 24 * H;

describe('--exclude-newer values', () => {
  const durations: [string, number][] = [
    ['7d', 7 * D],
    ['12h', 12 * H],
    ['2w', 14 * D],
    ['90m', 90 * 60_000],
    ['30s', 30_000],
    ['P7D', 7 * D],
    ['P1W', 7 * D],
    ['PT36H', 36 * H],
    ['P1DT12H', 36 * H],
    ['PT0S', 0],
  ];
  for (const [text, ms] of durations) {
    test(`${text} is a duration of ${ms} ms`, () => assert.deepEqual(parseCooldown(text), { text, kind: 'duration', ms }));
  }
  const dates: [string, string][] = [
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T12:30:00Z', '2026-11-01T12:30:00.000Z'],
    ['2026-11-01T12:30:00+02:00', '2026-11-01T10:30:00.000Z'],
    ['2026-11-01T12:30:00.123456Z', '2026-11-01T12:30:00.123Z'],
  ];
  for (const [text, at] of dates) {
    test(`${text} is the date ${at}`, () => {
      const spec = parseCooldown(text);
      assert.equal(spec.kind, 'date');
      if (spec.kind === 'date') assert.equal(new Date(spec.at).toISOString(), at);
    });
  }
  for (const bad of ['', '7', 'd', '7 d', '-7d', '7days', 'P', 'PT', 'P7', '2026-02-30', '2026-13-01', '2026-11-01 12:00', 'yesterday', '1e3d']) {
    test(`${JSON.stringify(bad)} is refused with exit 2`, () => {
      assert.throws(() => parseCooldown(bad), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'BAD_SETTING' && 'exitCode' in error && error.exitCode === 2);
    });
  }
});

describe('cutoffs', () => {
  const reference = Date.parse('2026-12-03T12:00:00Z');
  test('a duration counts back from the reference, a date is fixed, and exceptions win', () => {
    const cooldown = makeCooldown({ excludeNewer: '7d', excludeNewerPackages: ['Urllib3=false', 'requests=2026-01-01', 'idna=1d'] }, reference)!;
    assert.equal(cutoffFor(cooldown, normalizeName('dep')), reference - 7 * D);
    assert.equal(cutoffFor(cooldown, normalizeName('urllib3')), null);
    assert.equal(cutoffFor(cooldown, normalizeName('requests')), Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(cutoffFor(cooldown, normalizeName('idna')), reference - D);
  });
  test('no cooldown at all: null; a malformed exception: exit 2', () => {
    assert.equal(makeCooldown({}, reference), null);
    assert.throws(() => makeCooldown({ excludeNewerPackages: ['dep'] }, reference), /NAME=DURATION/);
    assert.throws(() => makeCooldown({ excludeNewerPackages: ['dep=soon'] }, reference), /neither a duration nor a date/);
  });
  test('files after the cutoff are gone; files without an upload time go too (and the source is named) unless allowed', () => {
    const file = (name: string, uploadTime: number | null, source = 'https://idx/simple/'): IndexedFile => ({
      project: normalizeName('dep'), filename: name, url: `https://idx/${name}`, kind: 'wheel', hashes: {}, size: undefined, requiresPython: undefined,
      yanked: false, coreMetadata: undefined, provenance: null, uploadTime, source,
    });
    const files = [file('old.whl', reference - 30 * D), file('edge.whl', reference - 7 * D), file('new.whl', reference - D), file('bare.whl', null, 'https://html/simple/')];
    const unknown: string[] = [];
    const strict = makeCooldown({ excludeNewer: '7d' }, reference)!;
    assert.deepEqual(filesBeforeCutoff(normalizeName('dep'), files, strict, (s) => unknown.push(s)).map((f) => f.filename), ['old.whl', 'edge.whl']);
    assert.deepEqual(unknown, ['https://html/simple/']);
    const lenient = makeCooldown({ excludeNewer: '7d', excludeNewerAllowUnknown: true }, reference)!;
    assert.deepEqual(filesBeforeCutoff(normalizeName('dep'), files, lenient, () => assert.fail('allowed')).map((f) => f.filename), ['old.whl', 'edge.whl', 'bare.whl']);
  });
  test('the header line names the duration and the reference, and the reference reads back', () => {
    const cooldown = makeCooldown({ excludeNewer: '7d' }, reference)!;
    const line = cooldownLine(cooldown);
    assert.equal(line, '# cooldown: files uploaded within 7d of 2026-12-03T12:00:00Z excluded (after 2026-11-26T12:00:00Z); reference 2026-12-03T12:00:00Z');
    assert.equal(parseCooldownReference(`#\n# header\n${line}\n#\ndep==1.0\n`), reference);
    assert.equal(parseCooldownReference(`dep==1.0\n${line}\n`), undefined, 'only in the header');
  });
});

describe('PEP 700 upload times', () => {
  const cases: [string | null | undefined, string | null][] = [
    ['2024-11-06T22:37:09.220617Z', '2024-11-06T22:37:09.220Z'],
    ['2024-11-06T22:37:09Z', '2024-11-06T22:37:09.000Z'],
    ['2024-11-06T22:37:09.2Z', '2024-11-06T22:37:09.200Z'],
    ['2024-11-06T22:37:09+00:00', null],
    ['2024-11-06 22:37:09Z', null],
    ['2024-02-30T00:00:00Z', null],
    ['2024-11-06T25:00:00Z', null],
    ['2024-11-06T22:37:09.1234567Z', null],
    ['', null],
    [null, null],
    [undefined, null],
  ];
  for (const [text, iso] of cases) {
    test(`${JSON.stringify(text)} -> ${iso ?? 'none'}`, () => {
      const ms = parseUploadTime(text);
      assert.equal(ms === null ? null : new Date(ms).toISOString(), iso);
    });
  }
});
