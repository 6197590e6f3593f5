import { PinHashesError, type ErrorCode } from '../errors.js';
import { redactUrl } from './redact.js';

/** A transport failure or an HTTP status we did not want. `retryable` drives the one retry owner. */
export class HttpError extends PinHashesError {
  readonly url: string;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    url: string,
    message: string,
    options: { status?: number; retryable: boolean; hint?: string; cause?: unknown; code?: ErrorCode },
  ) {
    super(options.code ?? (options.status === undefined ? 'NETWORK_ERROR' : 'HTTP_STATUS'), message, {
      exitCode: 2,
      hint: options.hint,
      cause: options.cause,
    });
    this.name = 'HttpError';
    this.url = redactUrl(url);
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** 408, 429 and 5xx may pass; 401/403/404 and the rest will not, so retrying them only delays the error. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

export function statusError(url: string, status: number): HttpError {
  const shown = redactUrl(url);
  if (status === 401 || status === 403) {
    return new HttpError(url, `${shown} answered ${status}: authentication failed or is missing`, {
      status,
      retryable: false,
      code: 'HTTP_AUTH',
      hint: 'Put credentials in the index URL (https://user:token@host/...), an environment variable the input expands (${VAR}), or ~/.netrc.',
    });
  }
  if (status === 404 || status === 410) {
    return new HttpError(url, `${shown} answered HTTP ${status}: not found`, {
      status,
      retryable: false,
      hint: 'The index lists something it does not serve; try again later or report it to the index operator.',
    });
  }
  const retryable = isRetryableStatus(status);
  return new HttpError(url, `${shown} answered HTTP ${status}`, {
    status,
    retryable,
    hint: retryable
      ? 'The index is failing or overloaded; try again later.'
      : 'The index refused the request; check the index URL.',
  });
}
