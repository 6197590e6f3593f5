import { PinHashesError } from '../errors.js';
import { redactUrl } from '../http/redact.js';
import type { IndexedFile } from '../package-index/types.js';

/**
 * A file the index lists but its server answers 404/410 for: the index's fault, said the same way
 * wherever the download happens (the artifact store, a metadata read). `check --verify` reports it
 * as a finding by its code.
 */
export function fileGoneError(file: IndexedFile, status: number, cause?: unknown): PinHashesError {
  return new PinHashesError('FILE_GONE', `${file.filename}: listed by ${file.source} but the download answered ${status} (${redactUrl(file.url)})`, {
    exitCode: 2,
    hint: 'The index lists a file it does not serve; try again later or report it to the index.',
    ...(cause === undefined ? {} : { cause }),
  });
}
