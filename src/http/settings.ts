/**
 * The one place that turns environment variables into retry and timeout settings, so users (and
 * tests) can make a run patient or quick without a flag for each layer:
 *
 *   PIN_HASHES_RETRIES        retries after the first attempt (pip's --retries), 0-20; default 3
 *   PIN_HASHES_TIMEOUT        seconds (fractions allowed) for connect, first byte and a silent
 *                             socket mid-body (pip's --timeout); default 10 / 30 / 30
 *   PIN_HASHES_RETRY_BASE_MS  delay before the first retry, doubled after each; default 250
 *   PIN_HASHES_DOWNLOAD_TIMEOUT  seconds one response body may take from headers to last byte,
 *                             however steadily it trickles in; default 1800 (pip has no such
 *                             limit: a server dripping a byte a second would hold it for days)
 *
 * Unset or empty means the default. A value that does not parse is an error naming the
 * variable, never silently the default: a typo must not turn "3 retries" into "hang for 30 s".
 */
import { PinHashesError } from '../errors.js';
import { DEFAULT_TIMEOUTS, DOWNLOAD_TIMEOUT_VAR, type TimeoutSettings } from './client.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';

export interface HttpSettings {
  retry: RetryPolicy;
  timeouts: TimeoutSettings;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const RETRIES_VAR = 'PIN_HASHES_RETRIES';
export const TIMEOUT_VAR = 'PIN_HASHES_TIMEOUT';
export const RETRY_BASE_VAR = 'PIN_HASHES_RETRY_BASE_MS';
export { DOWNLOAD_TIMEOUT_VAR };

const MAX_RETRIES = 20;
const MAX_TIMEOUT_SECONDS = 3600;
const MAX_BASE_MS = 60_000;
const MAX_DOWNLOAD_SECONDS = 24 * 3600;

export function httpSettingsFromEnv(env: Environment): HttpSettings {
  const retries = readNumber(env, RETRIES_VAR, { integer: true, min: 0, max: MAX_RETRIES, what: 'a whole number of retries' });
  const timeoutSeconds = readNumber(env, TIMEOUT_VAR, { integer: false, min: 0.05, max: MAX_TIMEOUT_SECONDS, what: 'a number of seconds' });
  const baseMs = readNumber(env, RETRY_BASE_VAR, { integer: true, min: 0, max: MAX_BASE_MS, what: 'a whole number of milliseconds' });
  const downloadSeconds = readNumber(env, DOWNLOAD_TIMEOUT_VAR, { integer: false, min: 0.05, max: MAX_DOWNLOAD_SECONDS, what: 'a number of seconds' });

  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  if (retries !== undefined) retry.attempts = retries + 1;
  if (baseMs !== undefined) {
    retry.baseDelayMs = baseMs;
    // The ceiling follows a quicker base so a test (or an impatient user) is not held by it.
    retry.maxDelayMs = Math.max(baseMs, Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, baseMs * 16));
  }

  const timeouts: TimeoutSettings = { ...DEFAULT_TIMEOUTS };
  if (timeoutSeconds !== undefined) {
    const ms = Math.round(timeoutSeconds * 1000);
    timeouts.connectMs = ms;
    timeouts.responseMs = ms;
    timeouts.idleMs = ms;
  }
  if (downloadSeconds !== undefined) timeouts.bodyMs = Math.round(downloadSeconds * 1000);
  return { retry, timeouts };
}

function readNumber(
  env: Environment,
  name: string,
  rule: { integer: boolean; min: number; max: number; what: string },
): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const pattern = rule.integer ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/;
  const value = Number(raw);
  if (!pattern.test(raw) || !Number.isFinite(value) || value < rule.min || value > rule.max) {
    throw new PinHashesError('BAD_SETTING', `The environment variable ${name}=${JSON.stringify(raw)} is not ${rule.what} between ${rule.min} and ${rule.max}`, {
      exitCode: 2,
      hint: `Fix or unset ${name}.`,
    });
  }
  return value;
}
