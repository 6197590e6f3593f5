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
      const exhausted = attempt >= policy.attempts || Date.now() - started >= policy.totalMs;
      if (!isRetryable(error) || exhausted) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
