// The embedded production root is the one the pinned @sigstore/tuf ships (regenerate it with
// scripts/update-trust-root.mjs after a bump); a --trusted-root that is not a trust root is a
// clear error, never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_ROOT_BASE64, EMBEDDED_ROOT_ORIGIN, EMBEDDED_ROOT_SHA256 } from '../../../src/provenance/embedded-root.js';
import { loadTrustRoot } from '../../../src/provenance/trust-root.js';

const require = createRequire(import.meta.url);

test('the embedded root is the trusted_root.json of the pinned @sigstore/tuf', () => {
  const pkg = require('@sigstore/tuf/package.json') as { name: string; version: string };
  const seeds = JSON.parse(readFileSync(require.resolve('@sigstore/tuf/seeds.json'), 'utf8')) as Record<string, { targets: Record<string, string> }>;
  const shipped = seeds['https://tuf-repo-cdn.sigstore.dev']?.targets['trusted_root.json'];
  assert.equal(EMBEDDED_ROOT_BASE64, shipped, 'run node scripts/update-trust-root.mjs');
  assert.equal(EMBEDDED_ROOT_ORIGIN, `${pkg.name} ${pkg.version}`);
  assert.equal(createHash('sha256').update(Buffer.from(EMBEDDED_ROOT_BASE64, 'base64')).digest('hex'), EMBEDDED_ROOT_SHA256);
});

test('a --trusted-root that is missing, a folder, not JSON, or not a trust root: BAD_TRUST_ROOT, exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-root-'));
  try {
    await writeFile(join(dir, 'text.json'), 'not json');
    await writeFile(join(dir, 'empty.json'), JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1' }));
    // Lists where the keys belong, but none: found out when the keys are first needed.
    await writeFile(join(dir, 'keyless.json'), JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', certificateAuthorities: [], tlogs: [] }));
    for (const name of ['missing.json', '.', 'text.json', 'empty.json', 'keyless.json']) {
      await assert.rejects((async () => (await loadTrustRoot({ path: join(dir, name), shown: name })).material())(), (error: unknown) => {
        assert.ok(error instanceof Error && 'code' in error && error.code === 'BAD_TRUST_ROOT', String(error));
        assert.ok('exitCode' in error && error.exitCode === 2);
        assert.ok(error.message.includes(name));
        return true;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
