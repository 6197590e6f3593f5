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
  return new PinHashesError('INPUT_ERROR', `${formatLocation(location)}: ${message}`, {
    exitCode: 2,
    ...(hint === undefined ? {} : { hint }),
    ...(cause === undefined ? {} : { cause }),
  });
}
