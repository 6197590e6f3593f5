/**
 * The CA bundle a run verifies TLS certificates with: `--cert FILE`, else `PIP_CERT` (pip's own
 * option and its variable, honoured as pip-compile honours them), else Node's bundled roots (and
 * NODE_EXTRA_CA_CERTS, which Node reads itself). Like pip's --cert, the bundle replaces the
 * default roots: an index signed by another CA is refused.
 *
 * Named when the run is prepared, read when the first request is made (http/client.ts): a run
 * that makes none (a recalled lock, `check --offline`) never reads it, so a PIP_CERT set for
 * another tool's stage cannot fail it.
 */
import { X509Certificate } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { PinHashesError } from '../errors.js';
import { UnreadableFileError, readBoundedText } from '../fs/bounded-read.js';

export const CERT_VAR = 'PIP_CERT';

/** Larger than any real bundle (the system's is ~200 KB). */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

export interface CaBundleSource {
  /** Absolute. */
  readonly path: string;
  /** As messages name it: `--cert ca.pem` or `PIP_CERT (ca.pem)`. */
  readonly shown: string;
}

/**
 * The bundle the options name, nothing read yet: `given` (--cert) relative to `cwd`, PIP_CERT
 * relative to the process's working folder (a variable belongs to the process, not to a lock).
 */
export function caBundleSource(given: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): CaBundleSource | null {
  if (given !== undefined) return { path: resolvePath(cwd, given), shown: `--cert ${given}` };
  const fromEnv = env[CERT_VAR]?.trim();
  if (fromEnv === undefined || fromEnv === '') return null;
  return { path: resolvePath(fromEnv), shown: `${CERT_VAR} (${fromEnv})` };
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;

/** The bundle's PEM text, every certificate in it parsed (a damaged one would otherwise pass for the server's fault). */
export async function readCaBundle(source: CaBundleSource): Promise<string> {
  const hint = `Name a PEM file of CA certificates with --cert (or ${CERT_VAR}), or leave both unset to use Node's roots.`;
  const refuse = (why: string): PinHashesError => new PinHashesError('INPUT_ERROR', `The CA bundle ${source.shown} ${why}`, { exitCode: 2, hint });
  let text: string;
  try {
    text = await readBoundedText(source.path, MAX_BUNDLE_BYTES);
  } catch (error) {
    if (error instanceof UnreadableFileError && error.code === 'FILE_TOO_LARGE') throw refuse(`is larger than ${MAX_BUNDLE_BYTES / (1024 * 1024)} MiB, more than any CA bundle`);
    throw refuse(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw refuse('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch {
      throw refuse(`holds a certificate that does not parse (the ${ordinal(i + 1)})`);
    }
  });
  return text;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
