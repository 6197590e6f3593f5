import { PinHashesError } from '../errors.js';

export interface SourceLocation {
  /** As the user named it, relative to the working directory when possible. */
  readonly file: string;
  readonly line: number;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}`;
}

/** The error for anything wrong in an input file: `file:line: message`, exit code 2. */
export function inputError(location: SourceLocation, message: string, hint?: string, cause?: unknown): PinHashesError {
  return new PinHashesError('INPUT_ERROR', `${formatLocation(location)}: ${boundQuotes(message)}`, {
    exitCode: 2,
    ...(hint === undefined ? {} : { hint: boundQuotes(hint) }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Longest quoted input text a message repeats; the location says where the rest is. */
export const MAX_QUOTED_CHARS = 160;

/**
 * Messages quote the offending text between backticks. An input named by a lock's header may be
 * anything (a 1 MB line, a file of secrets without newlines): each quote is cut, so an error
 * shows at most a line's start, never a whole file.
 */
export function boundQuotes(message: string): string {
  return message.replace(/`([^`]*)`/g, (quoted, inner: string) =>
    inner.length <= MAX_QUOTED_CHARS ? quoted : `\`${inner.slice(0, MAX_QUOTED_CHARS)}\`... (${inner.length - MAX_QUOTED_CHARS} more characters)`,
  );
}
