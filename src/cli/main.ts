/**
 * The CLI entry: the only code that knows argv, exit codes and how errors look to people. One
 * top-level catch turns a PinHashesError into "error: ..." + "hint: ..." and its exit code;
 * anything else is our bug: exit 2 with a short line, the stack only with --verbose.
 */
import type { Argv } from 'yargs';
import { VERSION } from '../api/version.js';
import { PinHashesError } from '../errors.js';
// From its own module: the resolver itself is loaded only by a run that resolves.
import { NoSolutionError } from '../resolver/explain.js';
import { removeAllTemps } from '../cleanup.js';
import { redactSecrets } from '../http/redact.js';
import { CHECK_COMMAND, checkCommand, runCheckCommand } from './commands/check.js';
import { LOCK_COMMAND, lockCommand, runLockCommand } from './commands/lock.js';
import { commandWord, fastParse } from './fast-argv.js';
import { visibleControls } from './visible-text.js';
import { assertNoRefusedFlag } from './pip-compile-flags.js';
import { UsageError, assertNoProblems } from './usage-error.js';
import { booleanValueProblems, missingValueProblems } from './flag-values.js';

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  const json = argv.includes('--json');
  installSignalHandlers();
  // A command that finishes normally may still fail the run (check: stale lock); it says so here.
  let exitCode = 0;
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  try {
    if (argv.length === 1 && argv[0] === '--version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    assertNoRefusedFlag(argv);
    const word = commandWord(argv);
    const command = [LOCK_COMMAND, CHECK_COMMAND].find((c) => c.name === word);
    if (command) assertNoProblems([...booleanValueProblems(command.flags, argv), ...missingValueProblems(command.flags, argv)]);
    // The everyday command lines skip yargs (cli/fast-argv.ts); everything else, help and
    // every usage error included, is yargs'.
    const fast = fastParse(argv, [LOCK_COMMAND, CHECK_COMMAND]);
    if (fast?.command === 'lock') await runLockCommand(fast.values);
    else if (fast?.command === 'check') await runCheckCommand(fast.values, setExitCode);
    else await (await buildParser(argv, setExitCode)).parseAsync();
    return exitCode;
  } catch (error) {
    return report(error, verbose, json);
  }
}

export interface CommandHandlers {
  lock: (values: Record<string, unknown>) => Promise<void>;
  check: (values: Record<string, unknown>, setExitCode: (code: number) => void) => Promise<void>;
}

/**
 * The whole command line as yargs declares it: help, examples, strictness, usage errors.
 * `handlers` run the commands (a test gives its own, to compare yargs' reading with the fast one).
 */
export async function buildParser(argv: readonly string[], setExitCode: (code: number) => void, handlers?: CommandHandlers): Promise<Argv> {
  const { default: yargs } = await import('yargs');
  const parser = yargs([...argv])
    .scriptName('pin-hashes')
    .usage('$0 <command> [options]\n\nLock Python dependencies with sha256 digests pin-hashes computed itself.')
    .option('quiet', { alias: 'q', type: 'boolean', default: false, global: true, describe: 'Print nothing but errors' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, global: true, describe: 'Print every request and decision' })
    // --no-index and --no-cache are options of their own (pip's names), not negations. A list
    // option takes one value per use, as pip's do: `--find-links DIR req.in` has req.in as input.
    // No camelCase twins: an unknown flag is named once, as typed ("Unknown argument: generate-hashes").
    .parserConfiguration({ 'boolean-negation': false, 'greedy-arrays': false, 'camel-case-expansion': false })
    .version(VERSION)
    .alias('help', 'h')
    .strict()
    .demandCommand(1, 'Name a command: lock or check')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 done, 1 you must act (digest mismatch, no solution), 2 the tool could not do its job.')
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(unknownAsTyped(message, argv));
    });
  skipHelpCache(parser);
  lockCommand(parser, handlers?.lock);
  checkCommand(parser, setExitCode, handlers?.check);
  return parser;
}

/** yargs' "Unknown arguments: generate-hashes, x" with each flag as the user typed it (--generate-hashes). */
export function unknownAsTyped(message: string, argv: readonly string[]): string {
  const match = /^Unknown arguments?: (.+)$/.exec(message);
  if (!match?.[1]) return message;
  const typed = match[1].split(', ').map((name) => argv.find((arg) => arg.replace(/^-+/, '').split('=')[0] === name)?.split('=')[0] ?? name);
  return `Unknown option${typed.length === 1 ? '' : 's'}: ${typed.join(', ')}`;
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } };
}

/**
 * yargs renders a command's whole help text as soon as the command starts, so that a failure
 * later can print it. Our .fail() never prints help, and rendering ~50 options is ~13 ms of every
 * run before its first request. An internal of yargs 18: if it changes, this does nothing.
 */
function skipHelpCache(parser: unknown): void {
  const usage = (parser as YargsInternals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
}

function report(error: unknown, verbose: boolean, json: boolean): number {
  if (json && error instanceof NoSolutionError) {
    // Bots read why there is no solution from stdout; people still get the sentence on stderr.
    const data = { outcome: 'no-solution', code: error.code, message: error.message, hint: error.hint ?? null, explanation: error.explanation };
    process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  }
  if (error instanceof PinHashesError) {
    process.stderr.write(`error: ${scrub(error.message)}\n`);
    if (error.hint) process.stderr.write(`hint: ${scrub(error.hint)}\n`);
    if (verbose && error.stack) process.stderr.write(`${scrub(error.stack)}\n`);
    return error.exitCode;
  }
  reportInternal(error, verbose);
  return 2;
}

/**
 * Our bug, or an error nobody converted: one line, the stack only with --verbose, and every
 * secret the run knows masked either way. Never the error object itself: a library error may
 * hold a request's headers, and printing it whole would print the Authorization header.
 */
function reportInternal(error: unknown, verbose: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: internal error: ${scrub(message)}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${scrub(error.stack)}\n`);
  else process.stderr.write('hint: this is a bug in pin-hashes; run again with --verbose and report the output.\n');
}

/** Registered secrets (credentials, `${VAR}` values) masked, and any leftover `//user:pass@` userinfo. */
function scrub(text: string): string {
  return visibleControls(redactSecrets(text, []));
}


/** Ctrl-C or SIGTERM: remove our temp files (the previous output is untouched by design) and exit. */
function installSignalHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeAllTemps();
      process.stderr.write(`\ninterrupted (${signal}); the output file was left as it was\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

export function run(): void {
  // The last resort: an error that escaped every handler (an 'error' event nobody listened to, a
  // rejection nobody awaited) would otherwise make node print the whole object, headers included.
  const lastResort = (error: unknown): void => {
    reportInternal(error, process.argv.includes('-v') || process.argv.includes('--verbose'));
    removeAllTemps();
    process.exit(2);
  };
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);
  // process.argv without node and the script, as yargs' hideBin gives it (no yargs needed).
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      reportInternal(error, false);
      process.exitCode = 2;
    },
  );
}
