/**
 * One streaming pass gives digest, size and verification (uv's HashReader): bytes are hashed as
 * they arrive, counted, optionally written to a temp file for metadata extraction, and never held
 * whole in memory. The verdict compares what we computed with every claim the index made.
 */
import { createHash, getHashes, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { PinHashesError } from '../errors.js';
import { HttpError } from '../http/errors.js';
import { redactUrl } from '../http/redact.js';
import type { IndexedFile } from '../package-index/types.js';

export interface ComputedDigests {
  sha256: string;
  size: number;
  /** Digests of the other algorithms the index claimed, computed in the same pass. */
  others: Readonly<Record<string, string>>;
}

/** What supports a digest in the lock. A list, so attestations and second sources fit later. */
export type Evidence =
  /** We hashed the bytes: in this run ('download'), or in an earlier one under the same claims ('cache'). */
  | { kind: 'computed'; algorithm: 'sha256'; from: 'download' | 'cache' }
  | { kind: 'index-claim'; source: string; algorithm: string }
  | { kind: 'size-claim'; source: string };

const SUPPORTED = new Set(getHashes());

/** Hash a body stream; `limit` stops early when a server sends more than it claimed. */
export async function hashStream(
  body: Readable,
  options: {
    algorithms: readonly string[];
    url: string;
    /** Stop reading past this many bytes (see readLimitFor). */
    limit?: number | undefined;
    /** The size the index declared, for the message when `limit` is hit. */
    declaredSize?: number | undefined;
    /** Content-Length the server announced. */
    expectedLength?: number | undefined;
    saveTo?: string | undefined;
    /** Called with each chunk's length, for progress. */
    onBytes?: ((bytes: number) => void) | undefined;
    /** Called with each chunk, in order (an inspector reading the bytes that are hashed). */
    onChunk?: ((chunk: Buffer) => void) | undefined;
  },
): Promise<ComputedDigests> {
  const sha256 = createHash('sha256');
  const others = new Map<string, Hash>();
  for (const alg of options.algorithms) {
    if (alg !== 'sha256' && SUPPORTED.has(alg)) others.set(alg, createHash(alg));
  }
  let out: WriteStream | undefined;
  let writeError: unknown;
  if (options.saveTo) {
    out = createWriteStream(options.saveTo);
    // Destroying the stream with a write in flight (a broken download) makes it emit an error
    // nobody else listens for; keep it, and report a real write failure after the pass.
    out.on('error', (error: unknown) => {
      writeError ??= error;
    });
  }
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf: Buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (options.limit !== undefined && size > options.limit) {
        body.destroy();
        throw new PinHashesError(
          'SIZE_MISMATCH',
          `${redactUrl(options.url)} kept sending past ${options.limit} bytes although the index declared ${options.declaredSize ?? 'fewer'}`,
          { exitCode: 1, hint: 'The index serves a file larger than its claim: do not trust this index until it is explained.' },
        );
      }
      sha256.update(buf);
      options.onBytes?.(buf.length);
      options.onChunk?.(buf);
      for (const hash of others.values()) hash.update(buf);
      if (out && !out.write(buf)) await once(out, 'drain');
    }
  } catch (error) {
    out?.destroy();
    if (error instanceof PinHashesError) throw error;
    throw new HttpError(options.url, `${redactUrl(options.url)}: the download broke off after ${size} bytes`, {
      retryable: true,
      code: 'TRUNCATED',
      cause: error,
    });
  }
  if (out) {
    if (writeError === undefined) {
      out.end();
      await Promise.race([once(out, 'finish'), once(out, 'error')]);
    }
    if (writeError !== undefined) throw new PinHashesError('TEMP_WRITE', `cannot write a temp copy of ${redactUrl(options.url)}: ${String(writeError)}`, { exitCode: 2, hint: 'Check the free space and permissions of the temp folder (TMPDIR).' });
  }
  if (options.expectedLength !== undefined && size !== options.expectedLength) {
    throw new HttpError(
      options.url,
      `${redactUrl(options.url)}: received ${size} bytes but the server announced ${options.expectedLength}`,
      { retryable: true, code: 'TRUNCATED' },
    );
  }
  const otherDigests: Record<string, string> = {};
  for (const [alg, hash] of others) otherDigests[alg] = hash.digest('hex');
  return { sha256: sha256.digest('hex'), size, others: otherDigests };
}

export class DigestMismatchError extends PinHashesError {
  readonly filename: string;
  constructor(file: IndexedFile, what: string, claimed: string, computed: string, sizes?: { claimed: number; computed: number }) {
    const sizeLine = sizes && sizes.claimed !== sizes.computed ? `\n  size: the index claims ${sizes.claimed} bytes, we received ${sizes.computed}` : '';
    super(
      'DIGEST_MISMATCH',
      `${file.filename}: the index ${file.source} claims ${what} ${claimed}, but the downloaded bytes have ${computed}${sizeLine}\n` +
        `  url: ${redactUrl(file.url)}`,
      {
        exitCode: 1,
        hint: 'The index and its files disagree. Nothing was written. Find out why before trusting this index (a tampered file, a broken mirror, or a re-upload).',
      },
    );
    this.filename = file.filename;
  }
}

/**
 * Checks every claim; returns the evidence that agreed. Digest claims are checked before the size
 * claim so the message shows both digests whenever the index made a digest claim.
 */
export function verifyClaims(file: IndexedFile, digests: ComputedDigests, from: 'download' | 'cache' = 'download'): Evidence[] {
  const evidence: Evidence[] = [{ kind: 'computed', algorithm: 'sha256', from }];
  const sizes = file.size === undefined ? undefined : { claimed: file.size, computed: digests.size };
  for (const [alg, claimed] of Object.entries(file.hashes)) {
    const computed = alg === 'sha256' ? digests.sha256 : digests.others[alg];
    if (computed === undefined) continue; // an algorithm node cannot compute: no evidence either way
    if (!/^[0-9a-f]+$/.test(claimed) || claimed !== computed) {
      throw new DigestMismatchError(file, alg, claimed, computed, sizes);
    }
    evidence.push({ kind: 'index-claim', source: file.source, algorithm: alg });
  }
  if (file.size !== undefined) {
    if (file.size !== digests.size) {
      throw new DigestMismatchError(file, 'size', `${file.size} bytes`, `${digests.size} bytes (sha256 ${digests.sha256})`);
    }
    evidence.push({ kind: 'size-claim', source: file.source });
  }
  return evidence;
}

/**
 * How far past its claimed size we keep reading a file before giving up: far enough to compute
 * the digest of a slightly different file for the error message, not so far that a hostile
 * server can make us read forever.
 */
export function readLimitFor(claimedSize: number | undefined): number | undefined {
  if (claimedSize === undefined) return undefined;
  return Math.max(claimedSize * 2, claimedSize + 64 * 1024 * 1024);
}
