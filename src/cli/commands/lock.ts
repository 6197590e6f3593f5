/** `pin-hashes lock`: flags -> LockOptions (checked with zod) -> lock() -> one summary line. */
import type { Argv } from 'yargs';
import { z } from 'zod';
import { lock } from '../../api/lock.js';
import { describeChange } from '../../api/changes.js';
import { redactUrl } from '../../http/redact.js';

import { Reporter } from '../reporter.js';

const LockFlags = z.object({
  inputs: z.array(z.string()),
  'output-file': z.string().optional(),
  'index-url': z.string().optional(),
  'extra-index-url': z.array(z.string()),
  'find-links': z.array(z.string()),
  'no-index': z.boolean(),
  'index-strategy': z.enum(['first-index', 'unsafe-best-match']),
  'python-version': z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'expected X.Y or X.Y.Z, e.g. 3.12')
    .optional(),
  'python-platform': z.string().optional(),
  pre: z.boolean(),
  'only-binary': z.array(z.string()),
  'no-binary': z.array(z.string()),
  'dry-run': z.boolean(),
  upgrade: z.boolean(),
  'upgrade-package': z.array(z.string()),
  'cache-dir': z.string().optional(),
  'no-cache': z.boolean(),
  refresh: z.boolean(),
  concurrency: z.number().int().min(1).max(64),
  json: z.boolean(),
  quiet: z.boolean(),
  verbose: z.boolean(),
});

export function lockCommand(yargs: Argv): Argv {
  return yargs.command(
    'lock [inputs..]',
    'Resolve the inputs, download and hash every file of every pin, write a --hash requirements file',
    (y) =>
      y
        .positional('inputs', { type: 'string', array: true, default: [] as string[], describe: 'Requirements files (default: requirements.in)' })
        .option('output-file', { alias: 'o', type: 'string', describe: "Output path ('-' prints); default: the input with .in replaced by .txt" })
        .option('index-url', { alias: 'i', type: 'string', describe: 'Primary index (PEP 503/691 simple API base URL); default https://pypi.org/simple/' })
        .option('extra-index-url', { type: 'string', array: true, default: [] as string[], describe: 'More indexes, tried after the primary one' })
        .option('find-links', { alias: 'f', type: 'string', array: true, default: [] as string[], describe: 'Folders or pages of links to take files from too' })
        .option('no-index', { type: 'boolean', default: false, describe: 'Use no index; only --find-links' })
        .option('index-strategy', {
          choices: ['first-index', 'unsafe-best-match'] as const,
          default: 'first-index' as const,
          describe: 'first-index: a project comes from the first index that has it; unsafe-best-match: merge all indexes as pip does',
        })
        .option('python-version', { type: 'string', describe: 'Target Python X.Y[.Z]; default: the python3 on PATH' })
        .option('python-platform', { type: 'string', describe: 'Target platform: linux, macos, windows, x86_64-manylinux_2_28, aarch64-apple-darwin, ...; default: this machine' })
        .option('pre', { type: 'boolean', default: false, describe: 'Allow pre-releases' })
        .option('only-binary', { type: 'string', array: true, default: [] as string[], describe: "Wheels only for these packages (names, ':all:' or ':none:')" })
        .option('no-binary', { type: 'string', array: true, default: [] as string[], describe: "Sdists only for these packages (names, ':all:' or ':none:')" })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Do everything but write the output' })
        .option('concurrency', { type: 'number', default: 8, describe: 'Downloads at once' })
        .option('upgrade', { alias: 'U', type: 'boolean', default: false, describe: 'Ignore the pins of the existing output: take the newest versions' })
        .option('upgrade-package', {
          alias: 'P',
          type: 'string',
          array: true,
          default: [] as string[],
          describe: "Free this package (and what must move with it); 'name<2' also constrains it",
        })
        .option('cache-dir', { type: 'string', describe: 'Digest cache folder (default: the platform cache folder, or PIN_HASHES_CACHE_DIR)' })
        .option('no-cache', { type: 'boolean', default: false, describe: 'Download and hash every file again; read and write no cache' })
        .option('refresh', {
          type: 'boolean',
          default: false,
          describe: 'Ask the index for every project page, even one the cache holds and the index said is still fresh',
        })
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
      const result = await lock({
        inputs: flags.inputs,
        outputFile: flags['output-file'],
        indexUrl: flags['index-url'],
        extraIndexUrls: flags['extra-index-url'],
        findLinks: flags['find-links'],
        noIndex: flags['no-index'],
        mergeIndexes: flags['index-strategy'] === 'unsafe-best-match',
        pythonVersion: flags['python-version'],
        pythonPlatform: flags['python-platform'],
        pre: flags.pre,
        onlyBinary: flags['only-binary'],
        noBinary: flags['no-binary'],
        dryRun: flags['dry-run'],
        upgrade: flags.upgrade,
        upgradePackages: flags['upgrade-package'],
        cacheDir: flags['cache-dir'],
        noCache: flags['no-cache'],
        refresh: flags.refresh,
        concurrency: flags.concurrency,
        events: reporter.events(),
      });
      if (flags.json) {
        process.stdout.write(
          JSON.stringify(
            {
              output: result.outputPath,
              outcome: result.outcome,
              recalled: result.recalled,
              header: result.lock.header,
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
      const count = `${result.lock.packages.length} package${result.lock.packages.length === 1 ? '' : 's'}`;
      const where = result.outputPath ?? '';
      if (result.outcome === 'dry-run') reporter.done(`Dry run: would write ${count} to ${where}`);
      else if (result.outcome === 'unchanged') reporter.done(`${where} is up to date (${count})`);
      else reporter.done(`Wrote ${count} to ${where}`);
    },
  );
}

