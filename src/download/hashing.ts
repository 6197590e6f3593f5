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
  /** Digests of the other algorithms the index claimed, by the index's name for them, computed in the same pass. */
  others: Readonly<Record<string, string>>;
}

/** What supports a digest in the lock. A list, so attestations and second sources fit later. */
export type Evidence =
  /** We hashed the bytes: in this run ('download'), or in an earlier one under the same claims ('cache'). */
  | { kind: 'computed'; algorithm: 'sha256'; from: 'download' | 'cache' }
  | { kind: 'index-claim'; source: string; algorithm: string }
  | { kind: 'size-claim'; source: string };

/**
 * The claims we check, by the name an index writes (PEP 503: "the name of a hashlib function"),
 * with Node's name for the same function. These are hashlib's `algorithms_guaranteed` that have
 * a fixed digest length: what every Python, and so pip, can compute (pip checks a link's claim
 * with `hashlib.new(name)`). shake_128/256 need a length the claim does not carry; names outside
 * hashlib (PyPI's JSON API `blake2b_256`, an OpenSSL alias such as `ripemd160`, Node's own
 * spellings such as `sha3-256`) mean nothing to pip either. Such a claim is not checked, and so
 * proves nothing about the bytes: it never keys the digest cache (cache-key.ts).
 *
 * Why compute every claimed algorithm of this list and not only sha256: the lock's digest is our
 * sha256 anyway, but a claim we could check and do not would let an index contradict itself
 * unnoticed, and a cache record must have been checked against every claim it is keyed by. The
 * cost is one more hash of the same chunks per extra claim (md5, sha1, blake2 run faster than
 * sha256 without SHA extensions; sha3 at about half its speed), paid only where an index makes
 * such claims: PyPI's simple API and the common servers claim sha256 alone, so the usual run
 * hashes once; a page naming every algorithm costs at most eleven more, a fixed bound.
 */
const HASHLIB_NAMES: Readonly<Record<string, string>> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha3_224: 'sha3-224',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
};

/** An OpenSSL built without one of them (a FIPS build without md5) cannot check that claim. */
const NODE_HASHES = new Set(getHashes());

/** Node's name of the algorithm an index calls `indexName`, when we check claims in it. */
export function computedAlgorithm(indexName: string): string | undefined {
  const nodeName = Object.hasOwn(HASHLIB_NAMES, indexName) ? HASHLIB_NAMES[indexName] : undefined;
  return nodeName !== undefined && NODE_HASHES.has(nodeName) ? nodeName : undefined;
}

/** The claimed algorithms we cannot check (for --verbose). */
export function uncheckedAlgorithms(hashes: Readonly<Record<string, string>>): string[] {
  return Object.keys(hashes).filter((alg) => computedAlgorithm(alg) === undefined);
}

/** Whether at least one digest claim of the file is one we check: only then do its claims name its bytes. */
export function hasCheckedClaim(hashes: Readonly<Record<string, string>>): boolean {
  return Object.keys(hashes).some((alg) => computedAlgorithm(alg) !== undefined);
}

/**
 * Whether computed digests (a cache record) cover every claim we check: a record written by an
 * older pin-hashes that could not compute one of them was never checked against it.
 */
export function coversCheckedClaims(hashes: Readonly<Record<string, string>>, digests: ComputedDigests): boolean {
  return Object.keys(hashes).every((alg) => alg === 'sha256' || computedAlgorithm(alg) === undefined || digests.others[alg] !== undefined);
}

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
    const nodeName = alg === 'sha256' ? undefined : computedAlgorithm(alg);
    if (nodeName !== undefined) others.set(alg, createHash(nodeName));
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
    if (computed === undefined) continue; // an algorithm we do not check (see HASHLIB_NAMES): no evidence either way
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
