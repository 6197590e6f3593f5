/**
 * One error base class for everything a user may see. `code` is stable (tests and `--json`
 * match on it), `hint` says what to do next, `exitCode` follows DESIGN.md: 1 when the user must
 * act (digest mismatch, no solution, stale lock), 2 when the tool could not do its job (bad
 * arguments, unreadable input, index unreachable).
 *
 * Broken invariants are plain `Error("Assertion failed: ...")`, never a PinHashesError: they are
 * our bug, not the user's fault.
 */
export type ExitCode = 1 | 2;

export interface PinHashesErrorOptions {
  /** What to do next, one sentence. */
  hint?: string;
  cause?: unknown;
  exitCode?: ExitCode;
}

export class PinHashesError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, options: PinHashesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PinHashesError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Input that does not follow a standard (a version, specifier, marker, filename, metadata). */
export class ParseError extends PinHashesError {
  constructor(code: string, message: string, options: PinHashesErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ParseError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
