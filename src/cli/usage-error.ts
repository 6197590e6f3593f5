import { PinHashesError } from '../errors.js';

/** The command line itself is wrong: exit 2, pointing at --help. */
export class UsageError extends PinHashesError {
  constructor(message: string) {
    super('USAGE', message, { exitCode: 2, hint: 'See pin-hashes --help.' });
  }
}

/** For yargs' .check(): throws the flag problems as one usage error (a returned string would reach .fail() as an error object of no class). */
export function assertNoProblems(problems: readonly string[]): true {
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return true;
}
