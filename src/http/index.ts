export { HttpClient, expectOk, DEFAULT_TIMEOUTS } from './client.js';
export type { HttpClientOptions, TimeoutSettings, TextResponse, StreamResponse, Credentials } from './client.js';
export { HttpError, statusError, isRetryableStatus } from './errors.js';
export { redactUrl, redactText, stripCredentials } from './redact.js';
export { withRetries, isRetryable, DEFAULT_RETRY_POLICY } from './retry.js';
export type { RetryPolicy } from './retry.js';
