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

/**
 * Every code a PinHashesError may carry: the stable names that tests, `--json` and library
 * callers match on. A new code is added here (tsc refuses an unknown one).
 */
export type ErrorCode =
  | 'ATTESTATION_INVALID'
  | 'ATTESTATION_LOST'
  | 'ATTESTATION_REQUIRED'
  | 'BAD_ARCHIVE'
  | 'BAD_DIRECT_REFERENCE'
  | 'BAD_INDEX_PAGE'
  | 'BAD_LOCK'
  | 'BAD_LOCK_HEADER'
  | 'BAD_METADATA'
  | 'BAD_RANGE'
  | 'BAD_SETTING'
  | 'BAD_TRUST_ROOT'
  | 'BAD_URL'
  | 'BODY_TIME_LIMIT'
  | 'CANCELLED'
  | 'CONTENT_ENCODING'
  | 'DIGEST_MISMATCH'
  | 'FILE_CHANGED'
  | 'FILE_ERROR'
  | 'FILE_GONE'
  | 'HASH_NOT_ALLOWED'
  | 'HTTP_AUTH'
  | 'HTTP_STATUS'
  | 'INPUT_ERROR'
  | 'INVALID_FILENAME'
  | 'INVALID_MARKER'
  | 'INVALID_METADATA'
  | 'INVALID_PLATFORM'
  | 'INVALID_PYTHON_VERSION'
  | 'INVALID_REQUIREMENT'
  | 'INVALID_SPECIFIER'
  | 'INVALID_TAG'
  | 'INVALID_VERSION'
  | 'METADATA_MISMATCH'
  | 'METADATA_NEEDS_BUILD'
  | 'NETWORK_ERROR'
  | 'NOT_A_PIN_HASHES_LOCK'
  | 'NO_LOCK'
  | 'NO_PYTHON'
  | 'NO_SOLUTION'
  | 'NO_SOURCES'
  | 'OUTPUT_IS_INPUT'
  | 'PUBLISHER_CHANGED'
  | 'PAGE_TOO_LARGE'
  | 'RANGE_IGNORED'
  | 'REDIRECT_LOOP'
  | 'RESOLUTION_TOO_COMPLEX'
  | 'SIZE_MISMATCH'
  | 'TEMP_WRITE'
  | 'TARGETS_INDISTINGUISHABLE'
  | 'TIMEOUT'
  | 'TLS_CERTIFICATE'
  | 'TLS_HANDSHAKE'
  | 'TRUNCATED'
  | 'UNDEFINED_MARKER_COMPARISON'
  | 'UNDEFINED_MARKER_VARIABLE'
  | 'UNSUPPORTED_HASH_OPTION'
  | 'USAGE';

export class PinHashesError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options: PinHashesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PinHashesError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Input that does not follow a standard (a version, specifier, marker, filename, metadata). */
export class ParseError extends PinHashesError {
  constructor(code: ErrorCode, message: string, options: PinHashesErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ParseError';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
