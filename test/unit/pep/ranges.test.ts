// Properties of the range model behind matching and isUnsatisfiable that relate clauses to each
// other, checked on a grid of tricky versions (pre, post, dev, local, epochs, padding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Specifier, SpecifierSet, Version } from '../../../src/pep/index.js';
import { intersectRanges, rangesContain, specifierRanges } from '../../../src/pep/ranges.js';

const VERSIONS = [
  '0.dev0', '0', '0.9', '1.0.dev0', '1.0.dev1', '1.0a1.dev0', '1.0a1', '1.0a1+x', '1.0a1.post0', '1.0a1.post1.dev0',
  '1.0a2.dev0', '1.0b1', '1.0rc1', '1.0', '1.0+local', '1.0+local.2', '1.0.post0.dev0', '1.0.post0', '1.0.post1',
  '1.0.post1+x', '1.0.post2.dev0', '1.0.0.1', '1.0.1a1', '1.0.1', '1.1.dev0', '1.1', '1.5', '2.0a1', '2.0', '1!0.1',
];
const CLAUSE_VERSIONS = ['0', '0.dev0', '1.0', '1.0a1', '1.0.dev1', '1.0.post1', '1.0.post1.dev2', '1.0+local', '1!1.0', '1.0.0'];
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '~='] as const;

function clauses(): Specifier[] {
  const found: Specifier[] = [];
  for (const op of OPERATORS) {
    for (const v of CLAUSE_VERSIONS) {
      const s = Specifier.tryParse(op + v);
      if (s !== null) found.push(s);
    }
  }
  for (const wildcard of ['==1.*', '!=1.0.*', '==0.*']) found.push(Specifier.parse(wildcard));
  return found;
}

test('!= contains exactly what == does not, wildcards included', () => {
  const versions = VERSIONS.map((v) => Version.parse(v));
  for (const v of [...CLAUSE_VERSIONS, '1.*', '1.0.*', '0.*']) {
    const equal = Specifier.parse(`==${v}`);
    const notEqual = Specifier.parse(`!=${v}`);
    for (const version of versions) assert.notEqual(equal.matches(version), notEqual.matches(version), `${v} vs ${version.toString()}`);
  }
});

test('~=V.N is >=V.N together with ==V.*', () => {
  const versions = VERSIONS.map((v) => Version.parse(v));
  const cases: [string, string][] = [['1.0', '1.*'], ['1.0.0', '1.0.*'], ['1.0a1', '1.*'], ['1.0.post1', '1.*'], ['1!1.0', '1!1.*']];
  for (const [v, prefix] of cases) {
    const compatible = Specifier.parse(`~=${v}`);
    const both = SpecifierSet.parse(`>=${v},==${prefix}`);
    for (const version of versions) {
      assert.equal(compatible.matches(version), both.contains(version, { prereleases: true }), `~=${v} vs ${version.toString()}`);
    }
  }
});

test('intersected ranges contain what both clauses contain, and empty intersections are unsatisfiable', () => {
  const versions = VERSIONS.map((v) => Version.parse(v));
  const all = clauses();
  for (const a of all) {
    for (const b of all) {
      const ranges = intersectRanges(specifierRanges(a.operator, a.version), specifierRanges(b.operator, b.version));
      for (const version of versions) {
        assert.equal(rangesContain(ranges, version), a.matches(version) && b.matches(version), `${a.toString()},${b.toString()} vs ${version.toString()}`);
      }
      const set = SpecifierSet.of([a, b]);
      if (versions.some((v) => set.contains(v, { prereleases: true }))) {
        assert.equal(set.isUnsatisfiable(), false, `${set.toString()} has a member`);
      }
    }
  }
});
