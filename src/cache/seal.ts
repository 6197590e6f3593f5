/**
 * Records that hold URLs derived from an index's URL are sealed: encrypted with a key derived
 * from that URL (a project page's records) or from everything a run depended on (a run record),
 * and filed under a digest of it. Index URLs carry tokens in their path (`https://host/TOKEN/
 * simple/`), typed on the command line, set in PIP_INDEX_URL or expanded from `${TOKEN}`, and no
 * rule can tell such a path from any other. Sealing needs no such rule: the cache holds no URL and
 * no token in any form, and a record can be read only by a run that already knows the URL it came
 * from. Userinfo never gets this far: it is stripped before a URL is used as key material, and a
 * link that carries userinfo or a query is never stored at all (package-index/client.ts).
 *
 * Not for secrecy against someone who knows the URL: they could fetch the page themselves.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a record is filed under: a digest of `material`, unrelated to the key (other domain). */
export function sealedId(purpose: string, material: string): string {
  return digest('pin-hashes cache id', purpose, material).toString('hex').slice(0, 32);
}

/** `value` as JSON, encrypted and authenticated with the key of (purpose, material): base64. */
export function seal(purpose: string, material: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, digest('pin-hashes cache key', purpose, material), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The value sealed with (purpose, material), or undefined: another key, or bytes changed on disk. */
export function unseal(purpose: string, material: string, sealed: string): unknown {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, digest('pin-hashes cache key', purpose, material), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function digest(domain: string, purpose: string, material: string): Buffer {
  return createHash('sha256').update(domain).update('\0').update(purpose).update('\0').update(material).digest();
}
