/**
 * The Sigstore trust root attestations are verified against, read from disk and never through
 * TUF at lock time (ATTESTATIONS.md 2.4: the TUF route needs the network). The default is the
 * production root embedded from the pinned @sigstore/tuf release (embedded-root.ts);
 * `--trusted-root FILE` names another (air-gapped use, a refreshed root, the staging root in
 * tests). Its sha256 goes into the lock header, so a reader knows which keys vouched.
 */
import { createHash } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';
import { PinHashesError } from '../errors.js';
import { readBoundedFile } from '../fs/bounded-read.js';
import { EMBEDDED_ROOT_BASE64, EMBEDDED_ROOT_ORIGIN } from './embedded-root.js';

export interface TrustRoot {
  /**
   * The keys, ready for the verifier. Made on first use: the Sigstore libraries load only when a
   * file has provenance (a lock of an index without any never pays for them).
   */
  material(): Promise<TrustMaterial>;
  /** sha256 of the trusted_root.json bytes. */
  readonly sha256: string;
  /** Where it came from: the embedding release, or the file as the user named it. */
  readonly origin: string;
}

const MAX_TRUST_ROOT_BYTES = 4 * 1024 * 1024;

export async function loadTrustRoot(file: { path: string; shown: string } | null): Promise<TrustRoot> {
  if (file === null) return fromBytes(Buffer.from(EMBEDDED_ROOT_BASE64, 'base64'), `the production root of ${EMBEDDED_ROOT_ORIGIN}`);
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file.path, MAX_TRUST_ROOT_BYTES);
  } catch (error) {
    throw new PinHashesError('BAD_TRUST_ROOT', `Cannot read the trusted root ${file.shown}: ${error instanceof Error ? error.message : String(error)}`, {
      exitCode: 2,
      hint: 'Name a Sigstore trusted_root.json with --trusted-root, or leave the flag out to use the embedded production root.',
    });
  }
  return fromBytes(bytes, file.shown);
}

function fromBytes(bytes: Buffer, origin: string): TrustRoot {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badRoot(origin, 'it is not JSON');
  }
  const root = json as Record<string, unknown> | null;
  if (typeof root !== 'object' || root === null || !Array.isArray(root['certificateAuthorities']) || !Array.isArray(root['tlogs'])) {
    throw badRoot(origin, 'it has no certificateAuthorities and tlogs lists');
  }
  let material: Promise<TrustMaterial> | undefined;
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    origin,
    material: () => (material ??= toMaterial(json, origin)),
  };
}

async function toMaterial(json: unknown, origin: string): Promise<TrustMaterial> {
  // Both are CommonJS: their module.exports is the default export under Node and in the bundle
  // alike (esbuild gives a lazily imported CommonJS chunk no named exports).
  const [specs, verify] = await Promise.all([import('@sigstore/protobuf-specs'), import('@sigstore/verify')]);
  const { TrustedRoot } = specs.default;
  const { toTrustMaterial } = verify.default;
  let material: TrustMaterial;
  try {
    material = toTrustMaterial(TrustedRoot.fromJSON(json));
  } catch (error) {
    throw badRoot(origin, error instanceof Error ? error.message : String(error));
  }
  if (material.certificateAuthorities.length === 0 || material.tlogs.length === 0) throw badRoot(origin, 'it lists no certificate authority or no transparency log');
  return material;
}

function badRoot(origin: string, why: string): PinHashesError {
  return new PinHashesError('BAD_TRUST_ROOT', `${origin} is not a usable Sigstore trusted_root.json: ${why}`, {
    exitCode: 2,
    hint: 'Use a trusted_root.json as published by Sigstore (for example from `cosign trusted-root`), or leave --trusted-root out.',
  });
}
