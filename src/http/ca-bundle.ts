/**
 * The CA bundle a run verifies TLS certificates with: `--cert FILE`, else `PIP_CERT` (pip's own
 * option and its variable, honoured as pip-compile honours them), else Node's bundled roots (and
 * NODE_EXTRA_CA_CERTS, which Node reads itself). Like pip's --cert, the bundle replaces the
 * default roots: an index signed by another CA is refused.
 */
import { resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { readBoundedText } from '../fs/bounded-read.js';

export const CERT_VAR = 'PIP_CERT';

/** Larger than any real bundle (the system's is ~200 KB). */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** The PEM text, or null for Node's own roots. */
export async function loadCaBundle(given: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<string | null> {
  const fromEnv = env[CERT_VAR]?.trim();
  const path = given ?? (fromEnv === '' ? undefined : fromEnv);
  if (path === undefined) return null;
  const source = given === undefined ? `${CERT_VAR} (${path})` : `--cert ${path}`;
  const hint = `Name a PEM file of CA certificates with --cert (or ${CERT_VAR}), or leave both unset to use Node's roots.`;
  let text: string;
  try {
    text = await readBoundedText(resolvePath(cwd, path), MAX_BUNDLE_BYTES);
  } catch (error) {
    throw new PinHashesError('INPUT_ERROR', `Cannot read the CA bundle ${source}: ${error instanceof Error ? error.message : String(error)}`, { exitCode: 2, hint });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PinHashesError('INPUT_ERROR', `The CA bundle ${source} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, { exitCode: 2, hint });
  }
  return text;
}
