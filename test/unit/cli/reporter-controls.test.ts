// Lines the reporter prints quote URLs from lock headers and argv: a committed lock whose header
// URL carries terminal sequences must not drive the terminal (found by an attacker pass: retry
// warnings printed them raw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reporter } from '../../../src/cli/reporter.js';

test('warnings, lines and the summary show control characters as escapes', () => {
  let written = '';
  const stream = { isTTY: false, write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WriteStream;
  const reporter = new Reporter({ stream, quiet: false, verbose: true });
  const hostile = 'http://127.0.0.1:1/\u001b]0;PWN\u0007\u001b[2J/';
  reporter.events().onRetry?.(hostile, new Error('refused'), 1);
  reporter.warn(`from ${hostile}`);
  reporter.events().onPage?.(hostile, 200);
  reporter.done(`Wrote 1 package to ${hostile}`);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(written, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.equal(written.match(/\\u001b\]0;PWN\\u0007\\u001b\[2J/g)?.length, 4, written);
});
