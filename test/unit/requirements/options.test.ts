import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionSyntaxError, parseOptionWords } from '../../../src/requirements/options.js';

type Occ = [string, string | null];
const occ = (words: string[]): Occ[] => parseOptionWords(words).occurrences.map((o) => [o.id, o.value]);

// Expected values follow Python optparse with pip 23.2.1's requirements-file options.
describe('parseOptionWords reads like optparse', () => {
  const cases: [string, string[], Occ[]][] = [
    ['--opt value', ['--index-url', 'https://a'], [['indexUrl', 'https://a']]],
    ['--opt=value', ['--index-url=https://a'], [['indexUrl', 'https://a']]],
    ['--opt= gives an empty value', ['--index-url='], [['indexUrl', '']]],
    ['a short option with the value attached', ['-rreqs.txt'], [['requirement', 'reqs.txt']]],
    ['a short option with the value in the next word', ['-c', 'c.txt'], [['constraint', 'c.txt']]],
    ['--pypi-url is an alias of --index-url', ['--pypi-url', 'https://a'], [['indexUrl', 'https://a']]],
    ['an unambiguous prefix names the option', ['--extra', 'https://e'], [['extraIndexUrl', 'https://e']]],
    ['an exact name wins over longer names it prefixes', ['--pre'], [['pre', null]]],
    ['a value may start with a dash', ['--index-url', '--pre'], [['indexUrl', '--pre']]],
    ['flags and values mix in order', ['--no-index', '-f', 'd', '--prefer-binary', '--trusted-host', 'h:8080'], [
      ['noIndex', null], ['findLinks', 'd'], ['preferBinary', null], ['trustedHost', 'h:8080'],
    ]],
    ['-C is --config-settings', ['-C', 'k=v'], [['configSettings', 'k=v']]],
    ['a valid --use-feature choice', ['--use-feature=truststore'], [['useFeature', 'truststore']]],
  ];
  for (const [name, words, expected] of cases) it(name, () => assert.deepEqual(occ(words), expected));

  it('keeps words that are not options as leftovers, also after --', () => {
    assert.deepEqual(parseOptionWords(['-r', 'a.txt', 'b.txt', '--', '--pre']).leftovers, ['b.txt', '--pre']);
  });

  const errors: [string, string[], string][] = [
    ['an unknown long option', ['--foo'], 'no such option: --foo'],
    ['an unknown short option', ['-x'], 'no such option: -x'],
    ['a misspelt plural is not a prefix', ['--requirements', 'a.txt'], 'no such option: --requirements'],
    ['an ambiguous prefix lists the candidates', ['--no'], 'ambiguous option: --no (--no-binary, --no-index?)'],
    ['a missing value names the full option', ['--index'], '--index-url option requires 1 argument'],
    ['a missing short value', ['-r'], '-r option requires 1 argument'],
    ['a flag given a value', ['--pre=1'], '--pre option does not take a value'],
    ['an invalid --use-feature choice', ['--use-feature', 'x'], "option --use-feature: invalid choice: 'x' (choose from 'fast-deps', 'truststore', 'no-binary-enable-wheel-cache')"],
  ];
  for (const [name, words, message] of errors) {
    it(`${name} is an error`, () =>
      assert.throws(() => parseOptionWords(words), (error: unknown) => error instanceof OptionSyntaxError && error.message === message));
  }
});
