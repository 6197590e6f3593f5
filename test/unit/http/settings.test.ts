import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PinHashesError } from '../../../src/errors.js';
import { DEFAULT_TIMEOUTS } from '../../../src/http/client.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/http/retry.js';
import { httpSettingsFromEnv } from '../../../src/http/settings.js';

test('no variables (or empty ones): the defaults', () => {
  for (const env of [{}, { PIN_HASHES_RETRIES: '', PIN_HASHES_TIMEOUT: ' ', PIN_HASHES_RETRY_BASE_MS: '' }]) {
    assert.deepEqual(httpSettingsFromEnv(env), { retry: DEFAULT_RETRY_POLICY, timeouts: DEFAULT_TIMEOUTS });
  }
});

test('PIN_HASHES_RETRIES counts retries after the first attempt, as pip --retries does', () => {
  assert.equal(httpSettingsFromEnv({ PIN_HASHES_RETRIES: '0' }).retry.attempts, 1);
  assert.equal(httpSettingsFromEnv({ PIN_HASHES_RETRIES: '5' }).retry.attempts, 6);
});

test('PIN_HASHES_TIMEOUT (seconds, fractions allowed) sets connect, first byte and stall timeouts', () => {
  assert.deepEqual(httpSettingsFromEnv({ PIN_HASHES_TIMEOUT: '2.5' }).timeouts, { connectMs: 2500, responseMs: 2500, idleMs: 2500, bodyMs: 1_800_000 });
});

test('PIN_HASHES_DOWNLOAD_TIMEOUT (seconds) limits one body, leaving the other timeouts alone', () => {
  assert.deepEqual(httpSettingsFromEnv({ PIN_HASHES_DOWNLOAD_TIMEOUT: '90.5' }).timeouts, { ...DEFAULT_TIMEOUTS, bodyMs: 90_500 });
});

test('PIN_HASHES_RETRY_BASE_MS sets the first delay and a ceiling that follows it', () => {
  const { retry } = httpSettingsFromEnv({ PIN_HASHES_RETRY_BASE_MS: '10' });
  assert.equal(retry.baseDelayMs, 10);
  assert.ok(retry.maxDelayMs >= 10 && retry.maxDelayMs <= DEFAULT_RETRY_POLICY.maxDelayMs);
});

for (const [name, value] of [
  ['PIN_HASHES_RETRIES', '-1'],
  ['PIN_HASHES_RETRIES', 'three'],
  ['PIN_HASHES_RETRIES', '2.5'],
  ['PIN_HASHES_RETRIES', '1000'],
  ['PIN_HASHES_TIMEOUT', '0'],
  ['PIN_HASHES_TIMEOUT', '1e3'],
  ['PIN_HASHES_TIMEOUT', '30s'],
  ['PIN_HASHES_RETRY_BASE_MS', 'NaN'],
  ['PIN_HASHES_DOWNLOAD_TIMEOUT', '0'],
  ['PIN_HASHES_DOWNLOAD_TIMEOUT', 'forever'],
  ['PIN_HASHES_DOWNLOAD_TIMEOUT', '100000'],
] as const) {
  test(`${name}=${value} is an error naming the variable, not a silent default`, () => {
    assert.throws(
      () => httpSettingsFromEnv({ [name]: value }),
      (error: unknown) => error instanceof PinHashesError && error.exitCode === 2 && error.message.includes(name) && error.hint !== undefined,
    );
  });
}
