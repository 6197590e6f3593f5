// The flag table (api/lock-flags.ts) drives both the lock header's command and check's reader of
// it: for random option sets, writing the header and reading it back gives the same options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LINE_BREAK, regenerateCommand } from '../../../src/api/command.js';
import { LOCK_FLAGS, readHeaderArgv, type LockFlag } from '../../../src/api/lock-flags.js';
import type { LockOptions } from '../../../src/api/options.js';
import type { PreparedRun } from '../../../src/api/prepare.js';
import { formatPlatform } from '../../../src/pep/tags.js';
import { targetsOf } from '../../../src/api/targets.js';
import { shlexSplit } from '../../../src/requirements/shlex.js';
import { SEED } from '../../fuzz/fuzz-helpers.js';

const word = fc.stringMatching(/^[A-Za-z0-9_.:+-]{1,12}$/).filter((w) => !w.startsWith('-'));
/** Words a shell would split or expand: the writer must quote them. */
const awkward = fc.constantFrom("it's", 'a b', '$HOME', 'x"y', '*', 'tab\there', ':all:');
const value = fc.oneof(word, awkward);
const url = fc.tuple(fc.constantFrom('https', 'http'), word, fc.array(word, { maxLength: 2 })).map(([scheme, host, path]) => `${scheme}://${host.toLowerCase().replace(/[^a-z0-9.-]/g, 'h')}.example/${path.join('/')}`);
const relativePath = fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

/** A value for every row that shapes the lock, made from the table itself: a new row is covered without editing this test. */
function rowValue(flag: LockFlag): fc.Arbitrary<unknown> | undefined {
  // The targets are written from the run's targets (several as --target each), not as given.
  if (flag.key === 'pythonVersion') return fc.uniqueArray(fc.constantFrom('3.8', '3.12.1', '3.13.0'), { minLength: 1, maxLength: 2 });
  if (flag.key === 'pythonPlatform') return fc.uniqueArray(fc.constantFrom('linux', 'x86_64-manylinux_2_36', 'aarch64-apple-darwin', 'x86_64-pc-windows-msvc'), { minLength: 1, maxLength: 2 });
  if (flag.header === 'output' || flag.header === 'target' || flag.header === undefined) return undefined;
  const one = flag.header === 'url' ? url : flag.header === 'path-or-url' ? fc.oneof(relativePath, url) : value;
  switch (flag.kind) {
    case 'boolean':
      return fc.constant(true);
    case 'strings':
      return fc.array(one, { minLength: 1, maxLength: 3 });
    case 'choice':
      return fc.constantFrom(...(flag.choices ?? []).filter((c) => c !== flag.default));
    case 'number':
      return fc.integer({ min: flag.range?.[0] ?? 0, max: flag.range?.[1] ?? 100 });
    case 'string':
      return one;
  }
}

const headerOptions = fc.record(
  Object.fromEntries(LOCK_FLAGS.flatMap((flag) => {
    const arbitrary = rowValue(flag);
    return arbitrary ? [[flag.key, arbitrary]] : [];
  })),
  { requiredKeys: ['pythonVersion', 'pythonPlatform'] },
) as fc.Arbitrary<Partial<LockOptions> & { pythonVersion: string[]; pythonPlatform: string[] }>;

const inputs = fc.array(fc.oneof(relativePath.map((p) => `${p}.in`), fc.constant('with space.in')), { minLength: 1, maxLength: 3 });

test('every header row is read back: write the header, read it, get the same options', () => {
  fc.assert(
    fc.property(headerOptions, inputs, (options, inputFiles) => {
      const lockOptions: LockOptions = { ...options, inputs: inputFiles };
      const targets = targetsOf(options, { pythonVersion: () => assert.fail('no host'), platform: () => assert.fail('no host') });
      const run = {
        config: { lockFlags: lockOptions },
        targets,
        cwd: '/work/project',
        outputPath: '/work/project/requirements.txt',
        inputs: inputFiles,
      } as unknown as PreparedRun;
      // A line break ends the header's comment for pip: such a value is refused, not written.
      if (Object.values(lockOptions).flat().some((v) => typeof v === 'string' && LINE_BREAK.test(v))) {
        assert.throws(() => regenerateCommand(run), /cannot be written into the lock's header: it holds a line break/);
        return;
      }
      const command = regenerateCommand(run);
      const argv = shlexSplit(command);
      assert.deepEqual(argv.slice(0, 2), ['pin-hashes', 'lock']);
      const read = readHeaderArgv(argv.slice(2));
      const { outputFile, ...readOptions } = read;
      // An output named by its default is not written: inputs[0].in -> .txt only for one input.
      if (outputFile !== undefined) assert.equal(outputFile, 'requirements.txt');
      // An input named like an option comes back as ./-x.in (found by this property: it was read as an unknown option).
      const writtenInputs = inputFiles.map((p) => (p.startsWith('-') ? `./${p}` : p));
      // One target as --python-version and --python-platform (formatted, the version in full); several as --target each.
      const { pythonVersion: _v, pythonPlatform: _p, ...rest } = lockOptions;
      const [only] = targets;
      const written =
        targets.length === 1 && only
          ? { pythonVersion: [only.pythonVersion.toString()], pythonPlatform: [formatPlatform(only.platform)] }
          : { targets: targets.map((t) => `${formatPlatform(t.platform)}@${t.pythonVersion.toString()}`) };
      assert.deepEqual(readOptions, { ...rest, ...written, inputs: writtenInputs });
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('a flag that does not shape the lock is not read from a header (a header naming it was edited)', () => {
  const others = LOCK_FLAGS.filter((f) => f.header === undefined);
  assert.ok(others.length > 0);
  for (const flag of others) assert.throws(() => readHeaderArgv([`--${flag.name}`]), /unknown option/, `--${flag.name}`);
});

test('a header option with a value outside its choices, or without a value, is an error', () => {
  assert.throws(() => readHeaderArgv(['--index-strategy', 'best']), /is not one of first-index, unsafe-best-match/);
  assert.throws(() => readHeaderArgv(['requirements.in', '--index-url']), /--index-url has no value/);
});
