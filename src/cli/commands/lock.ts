/** `pin-hashes lock`: flags -> LockOptions (checked with zod) -> lock() -> one summary line. */
import type { Argv, Options } from 'yargs';
import { z } from 'zod';
import { lock } from '../../api/lock.js';
import { describeChange } from '../../api/changes.js';
import { LOCK_FLAGS, type LockFlag } from '../../api/lock-flags.js';
import type { LockOptions } from '../../api/options.js';
import { redactUrl } from '../../http/redact.js';
import { provenanceSummary } from '../../api/provenance-summary.js';
import { cooldownJson } from '../../provider/cooldown.js';

import { Reporter } from '../reporter.js';

/** The zod check of one table row's value, as yargs hands it over. */
function schemaOf(flag: LockFlag): z.ZodType {
  switch (flag.kind) {
    case 'boolean':
      return z.boolean();
    case 'strings':
      return z.array(z.string());
    case 'number':
      return z.number().int().min(flag.range?.[0] ?? Number.MIN_SAFE_INTEGER).max(flag.range?.[1] ?? Number.MAX_SAFE_INTEGER);
    case 'choice': {
      const choice = z.enum(flag.choices as [string, ...string[]]);
      return flag.default === undefined ? choice.optional() : choice;
    }
    case 'string':
      return (flag.pattern ? z.string().regex(flag.pattern.regex, flag.pattern.message) : z.string()).optional();
  }
}

/** The yargs declaration of one table row. */
function yargsOption(flag: LockFlag): Options {
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

const LockFlags = z.object({
  inputs: z.array(z.string()),
  json: z.boolean(),
  quiet: z.boolean(),
  verbose: z.boolean(),
  ...Object.fromEntries(LOCK_FLAGS.map((flag) => [flag.name, schemaOf(flag)])),
});

/** yargs' parsed flags -> the library's options, row by row. */
function lockOptionsOf(flags: Record<string, unknown> & { inputs: string[] }): LockOptions {
  const options: Record<string, unknown> = { inputs: flags.inputs };
  for (const flag of LOCK_FLAGS) options[flag.key] = flags[flag.name];
  return options as unknown as LockOptions;
}

export function lockCommand(yargs: Argv): Argv {
  return yargs.command(
    'lock [inputs..]',
    'Resolve the inputs, download and hash every file of every pin, write a --hash requirements file',
    (y) =>
      y
        .positional('inputs', { type: 'string', array: true, default: [] as string[], describe: 'Requirements files (default: requirements.in)' })
        .options(Object.fromEntries(LOCK_FLAGS.map((flag) => [flag.name, yargsOption(flag)])))
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
        .example('$0 lock', 'requirements.in -> requirements.txt')
        .example('$0 lock requirements.in -o - --python-version 3.12', 'print the lock for Python 3.12')
        .example('$0 lock -P requests', 'bump requests (and only what must move with it)')
        .example('$0 lock -i https://pypi.example/simple/ --only-binary :all:', 'a private index, wheels only')
        .example('pip install --require-hashes -r requirements.txt', 'then install it')
        .check((argv) => {
          LockFlags.parse(argv);
          return true;
        }),
    async (argv) => {
      const flags = LockFlags.parse(argv);
      const reporter = new Reporter({ stream: process.stderr, quiet: flags.quiet || flags.json, verbose: flags.verbose });
      const result = await lock({ ...lockOptionsOf(flags), events: reporter.events() });
      if (flags.json) {
        process.stdout.write(
          JSON.stringify(
            {
              output: result.outputPath,
              outcome: result.outcome,
              recalled: result.recalled,
              header: { ...result.lock.header, cooldown: result.lock.header.cooldown ? cooldownJson(result.lock.header.cooldown) : undefined },
              // URLs can carry signed query tokens: shown redacted, as everywhere else.
              packages: result.lock.packages.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f, url: redactUrl(f.url) })) })),
              changes: result.changes,
              warnings: result.warnings,
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      if (result.outcome === 'stdout') {
        reporter.stop();
        process.stdout.write(result.content);
        return;
      }
      if (result.hadPreviousLock) {
        if (result.changes.length === 0) reporter.line('No pin changed.');
        else for (const change of result.changes) reporter.line(describeChange(change));
      }
      reporter.line(provenanceSummary(result.lock));
      const count = `${result.lock.packages.length} package${result.lock.packages.length === 1 ? '' : 's'}`;
      const where = result.outputPath ?? '';
      if (result.outcome === 'dry-run') reporter.done(`Dry run: would write ${count} to ${where}`);
      else if (result.outcome === 'unchanged') reporter.done(`${where} is up to date (${count})`);
      else reporter.done(`Wrote ${count} to ${where}`);
    },
  );
}

