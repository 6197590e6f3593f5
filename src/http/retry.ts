/**
 * One retry owner per operation (pnpm's tarball fetcher, ARCHITECTURE.md example 7): the HTTP
 * layer never retries by itself, so attempts do not multiply across layers and a half-read
 * stream is never fed to a hasher twice. The owner (page fetch, download+hash+verify) calls
 * withRetries() around its whole unit of work.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts after this much time since the first one. */
  totalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  totalMs: 60_000,
};

export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpError) return error.retryable;
  return false;
}

/**
 * Runs `operation` until it succeeds, fails with an error that is not retryable, or the policy
 * is spent. The error of the last attempt is what the caller gets; when retries were spent on it,
 * it says so (how many attempts, over how long), because "answered HTTP 503" alone does not tell
 * the user that waiting was already tried.
 */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const elapsed = Date.now() - started;
      if (attempt >= policy.attempts || elapsed >= policy.totalMs) throw gaveUp(error, attempt, elapsed);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Jitter in the upper half: retries of many files spread out but never collapse to zero.
      const delayMs = Math.min(Math.round(ceiling / 2 + (Math.random() * ceiling) / 2), Math.max(0, policy.totalMs - elapsed));
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

function gaveUp(error: unknown, attempts: number, elapsedMs: number): unknown {
  if (!(error instanceof HttpError) || attempts <= 1) return error;
  const over = elapsedMs < 1000 ? `${elapsedMs} ms` : `${(elapsedMs / 1000).toFixed(1)} s`;
  return new HttpError(error.url, `${error.message} (gave up after ${attempts} attempts over ${over})`, {
    status: error.status,
    retryable: false,
    code: error.code,
    hint: error.hint ?? 'The index keeps failing; try again later. PIN_HASHES_RETRIES and PIN_HASHES_TIMEOUT allow more patience.',
    cause: error,
  });
}
