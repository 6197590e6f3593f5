// The fast command-line reader (cli/fast-argv.ts) against yargs, the reader it stands in for:
// on random command lines made from the flag tables, whenever the fast reader answers, yargs
// reads the same command and the same value for every flag. Plus the everyday lines it must
// read itself, and the lines it must leave to yargs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fastParse, type FastCommand, type FastFlag } from '../../../src/cli/fast-argv.js';
import { buildParser } from '../../../src/cli/main.js';
import { CHECK_COMMAND } from '../../../src/cli/commands/check.js';
import { LOCK_COMMAND } from '../../../src/cli/commands/lock.js';
import { SEED } from '../../fuzz/fuzz-helpers.js';

const COMMANDS = [LOCK_COMMAND, CHECK_COMMAND];

type Reading = { command: string; values: Record<string, unknown> } | { error: string };

/** What yargs makes of argv, with handlers that only record. */
async function yargsReading(argv: string[]): Promise<Reading> {
  let reading: Reading = { error: 'no command ran' };
  try {
    const parser = await buildParser(argv, () => undefined, {
      lock: async (values) => void (reading = { command: 'lock', values }),
      check: async (values) => void (reading = { command: 'check', values }),
    });
    await parser.exitProcess(false).parseAsync();
  } catch (error) {
    reading = { error: error instanceof Error ? error.message : String(error) };
  }
  return reading;
}

async function assertSameReading(argv: string[]): Promise<boolean> {
  const fast = fastParse(argv, COMMANDS);
  if (fast === undefined) return false;
  const slow = await yargsReading(argv);
  assert.ok('command' in slow, `fast read ${JSON.stringify(argv)}, yargs refused it: ${'error' in slow ? slow.error : ''}`);
  assert.equal(slow.command, fast.command);
  for (const [key, value] of Object.entries(fast.values)) assert.deepEqual(slow.values[key], value, `${key} of ${JSON.stringify(argv)}`);
  return true;
}

const word = fc.stringMatching(/^[a-z0-9][a-z0-9._/:+-]{0,10}$/);

function valueOf(flag: FastFlag): fc.Arbitrary<string> {
  if (flag.kind === 'number') return fc.integer({ min: flag.range?.[0] ?? 0, max: flag.range?.[1] ?? 99 }).map(String);
  if (flag.kind === 'choice') return fc.constantFrom(...(flag.choices ?? ['x']));
  if (flag.pattern) return fc.constantFrom('3.12', '3.9.1', '3.13', 'x86_64-manylinux_2_36', 'linux', '7d').filter((v) => flag.pattern?.regex.test(v) ?? true);
  return fc.oneof(word, fc.constant('-'));
}

/** One use of a flag as a person may spell it: long, short, or long=value. */
function useOf(flag: FastFlag): fc.Arbitrary<string[]> {
  const spellings = [`--${flag.name}`, ...(flag.alias ? [`-${flag.alias}`] : [])];
  if (flag.kind === 'boolean') return fc.constantFrom(...spellings).map((s) => [s]);
  return fc.tuple(fc.constantFrom(...spellings, '='), valueOf(flag)).map(([s, v]) => (s === '=' ? [`--${flag.name}=${v}`] : [s, v]));
}

function commandLine(command: FastCommand): fc.Arbitrary<string[]> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...command.flags).chain(useOf) },
    { weight: 1, arbitrary: word.map((w) => [w]) },
    // Now and then something the fast reader must leave alone.
    { weight: 1, arbitrary: fc.constantFrom(['--bogus'], ['-qv'], ['--dry-run', 'false'], ['--'], ['--concurrency', '0x10'], ['-o']) },
  );
  return fc.array(piece, { maxLength: 7 }).map((pieces) => [command.name, ...pieces.flat()]);
}

test('whenever the fast reader answers, yargs reads the same (random command lines)', async () => {
  let fastCount = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...COMMANDS).chain(commandLine), async (argv) => {
      if (await assertSameReading(argv)) fastCount++;
    }),
    { seed: SEED, numRuns: 400 },
  );
  assert.ok(fastCount > 100, `the fast reader answered ${fastCount} of 400`);
});

const EVERYDAY: string[][] = [
  ['lock'],
  ['lock', 'requirements.in'],
  ['lock', 'requirements.in', 'dev.in', '-o', 'requirements.txt'],
  ['lock', '-o', '-', '--python-version', '3.12', '--python-platform', 'x86_64-manylinux_2_36'],
  ['lock', '-P', 'requests', '-P', 'urllib3<3', '-q'],
  ['lock', '-U', '--dry-run', '--json'],
  ['lock', '-i', 'https://pypi.example/simple/', '--extra-index-url', 'https://other.example/simple/', '--only-binary', ':all:'],
  ['lock', '--exclude-newer', '7d', '--format', 'pylock', '-o', 'pylock.toml'],
  ['lock', '--find-links', 'wheels', 'reqs.in', '--no-index', '--concurrency', '4', '-v'],
  ['lock', '--python-version', '3.11', '--python-version', '3.12', '--python-platform', 'linux', '--python-platform', 'macos', 'requirements.in'],
  ['lock', '--target', 'x86_64-manylinux_2_28@3.12', '--target', 'aarch64-apple-darwin@3.12', '--all-files'],
  ['lock', '--targets', 'common', '--python-version', '3.12'],
  ['check'],
  ['check', 'requirements.txt', '--verify'],
  ['check', '--json', '--concurrency', '16'],
];

for (const argv of EVERYDAY) {
  test(`read without yargs, as yargs reads it: ${argv.join(' ')}`, async () => {
    assert.ok(await assertSameReading(argv), 'the fast reader answered');
  });
}

const LEFT_TO_YARGS: string[][] = [
  ['lock', '--help'],
  ['lock', '-h'],
  ['check', '--version'],
  ['--help'],
  ['locks'],
  ['lock', '--bogus'],
  ['lock', '--pythonVersion', '3.12'],
  ['lock', '-qv'],
  ['lock', '--dry-run', 'false'],
  ['lock', '--dry-run=true'],
  ['lock', '--', 'requirements.in'],
  ['lock', '-o'],
  ['lock', '-o', '--dry-run'],
  ['lock', '--python-version', '3', 'requirements.in'],
  ['lock', '--python-version', '3.12', '--python-version', '3'],
  ['lock', '--targets', 'everything'],
  ['lock', '--concurrency', '0'],
  ['lock', '--concurrency', '0x10'],
  ['lock', '--format', 'poetry'],
  ['lock', '-o', 'a.txt', '-o', 'b.txt'],
  ['check', 'a.txt', 'b.txt'],
  ['lock', '--index-url='],
];

for (const argv of LEFT_TO_YARGS) {
  test(`left to yargs: ${argv.join(' ')}`, () => {
    assert.equal(fastParse(argv, COMMANDS), undefined);
  });
}
