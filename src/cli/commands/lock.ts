/** `pin-hashes lock`: the flag table -> yargs options, checked values -> lock-run.ts (loaded only to run). */
import type { Argv, Options } from 'yargs';
import { LOCK_FLAGS, type LockFlag } from '../../api/lock-flags.js';
import { assertNoProblems } from '../usage-error.js';
import { flagProblems } from '../flag-values.js';
import type { FastCommand } from '../fast-argv.js';
import { PIP_COMPILE_FLAGS, pipCompileNotes, withPipCompileAliases } from '../pip-compile-flags.js';
import type { LockCliFlags } from './lock-run.js';

/** The command as the fast reader sees it (cli/fast-argv.ts): the same rows yargs is given. */
export const LOCK_COMMAND: FastCommand = {
  name: 'lock',
  positional: { name: 'inputs', list: true },
  flags: [
    ...LOCK_FLAGS,
    ...PIP_COMPILE_FLAGS,
    { name: 'json', kind: 'boolean' },
    { name: 'all', kind: 'boolean' },
    { name: 'quiet', alias: 'q', kind: 'boolean' },
    { name: 'verbose', alias: 'v', kind: 'boolean' },
  ],
};

/** Runs `lock` with checked flag values (from yargs or the fast reader). */
export async function runLockCommand(given: Record<string, unknown>): Promise<void> {
  const notes = pipCompileNotes(given);
  const values = withPipCompileAliases(given);
  if (values['all'] !== true) {
    // A lock that takes the host's Python version starts python3 now, to run while lock-run's
    // code loads (~40 ms of a start-up; starting a Python is 20-120 ms). With --all the
    // versions are in pyproject.toml, read later.
    const { startHostPythonProbeFor } = await import('../../api/host.js');
    startHostPythonProbeFor(Object.fromEntries(LOCK_FLAGS.map((flag) => [flag.key, values[flag.name]])));
  }
  const { runLock } = await import('./lock-run.js');
  await runLock(values as LockCliFlags, notes);
}

/** The yargs declaration of one table row. */
function yargsOption(flag: Pick<LockFlag, 'describe' | 'alias' | 'kind' | 'default' | 'choices'>): Options {
  const common = { describe: flag.describe, ...(flag.alias ? { alias: flag.alias } : {}) };
  switch (flag.kind) {
    case 'boolean':
      return { ...common, type: 'boolean', default: flag.default ?? false };
    case 'strings':
      return { ...common, type: 'string', array: true, default: [] as string[] };
    case 'number':
      return { ...common, type: 'number', default: flag.default };
    case 'choice':
      return { ...common, choices: flag.choices, default: flag.default };
    case 'string':
      return { ...common, type: 'string' };
  }
}

export function lockCommand(yargs: Argv, handler: (values: Record<string, unknown>) => Promise<void> = runLockCommand): Argv {
  return yargs.command(
    'lock [inputs..]',
    'Resolve the inputs, download and hash every file of every pin, write a --hash requirements file',
    (y) =>
      y
        .positional('inputs', { type: 'string', array: true, default: [] as string[], describe: 'Requirements files, pyproject.toml or setup.cfg (default: requirements.in)' })
        .options(Object.fromEntries(LOCK_FLAGS.map((flag) => [flag.name, yargsOption(flag)])))
        .options(Object.fromEntries(PIP_COMPILE_FLAGS.map((flag) => [flag.name, yargsOption(flag)])))
        .group(
          PIP_COMPILE_FLAGS.map((flag) => flag.name),
          'pip-compile flags (accepted where pin-hashes always does it, refused with a reason where it cannot):',
        )
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
        .option('all', { type: 'boolean', default: false, describe: 'Make every lock pyproject.toml lists in [tool.pin-hashes] locks, each after those it reads (-c)' })
        .example('$0 lock', 'requirements.in -> requirements.txt')
        .example('$0 lock requirements.in -o - --python-version 3.12', 'print the lock for Python 3.12')
        .example('$0 lock pyproject.toml --extra docs --group test', 'the project, its docs extra and its test group -> requirements.txt beside it')
        .example('$0 lock -P requests', 'bump requests (and only what must move with it)')
        .example('$0 lock --all', "every lock pyproject.toml's [tool.pin-hashes] locks lists (requirements.txt, dev.txt, ...)")
        .example('$0 lock -i https://pypi.example/simple/ --only-binary :all:', 'a private index, wheels only')
        .example('pip install --require-hashes -r requirements.txt', 'then install it')
        .check((argv) => assertNoProblems(flagProblems([...LOCK_FLAGS, ...PIP_COMPILE_FLAGS], argv))),
    (argv) => handler(argv),
  );
}

