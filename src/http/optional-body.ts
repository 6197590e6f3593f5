/**
 * A small document fetched whole, under the retry policy, that may legitimately be absent: a
 * `.metadata` file (PEP 658) or a provenance object (PEP 740). The `absent` statuses give
 * undefined; any other non-2xx is the usual status error (retried when it is a 5xx); the body is
 * read with a size limit.
 */
import { PinHashesError } from '../errors.js';
import { readBody } from './body.js';
import type { HttpClient } from './client.js';
import { HttpError, statusError } from './errors.js';
import { withRetries, type RetryPolicy } from './retry.js';

export interface OptionalBodyRequest {
  readonly retry: RetryPolicy;
  /** Statuses that mean "there is none" (404; PEP 740 adds 410). */
  readonly absent: readonly number[];
  readonly max: number;
  readonly tooLarge: (limit: number) => Error;
  readonly accept?: string | undefined;
  readonly decompress?: boolean | undefined;
}

export function fetchOptionalBody(http: HttpClient, url: string, request: OptionalBodyRequest): Promise<Buffer | undefined> {
  return withRetries(async () => {
    const response = await http.openStream(url, { accept: request.accept, decompress: request.decompress, lane: 'index' });
    if (request.absent.includes(response.status)) {
      response.body.resume();
      return undefined;
    }
    if (response.status < 200 || response.status > 299) {
      response.body.resume();
      throw statusError(url, response.status);
    }
    return readBody(response.body, { max: request.max, tooLarge: request.tooLarge }).catch((error: unknown) => {
      throw error instanceof HttpError || error instanceof PinHashesError ? error : http.wrapError(url, error);
    });
  }, request.retry);
}
