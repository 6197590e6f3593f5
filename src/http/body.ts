/**
 * Reading a response body into memory, always with a limit: `max` (at most this many bytes: a
 * page, a .metadata file) or `exact` (exactly this many: a range we asked for). Reading stops,
 * and the stream is destroyed, as soon as a body runs past its limit, so a server that claims one
 * size and sends another never costs more than the limit in memory.
 */
export interface BodyLimit {
  /** At most this many bytes. */
  max?: number;
  /** Exactly this many bytes (a body that ends short is an error too). */
  exact?: number;
  /** The error for a body past its limit (the limit is passed back). */
  tooLarge: (limit: number) => Error;
  /** With `exact`: the error for a body that ended after `size` bytes. */
  tooShort?: (size: number) => Error;
}

export async function readBody(stream: AsyncIterable<unknown> & { destroy(): void }, limit: BodyLimit): Promise<Buffer> {
  const cap = limit.exact ?? limit.max ?? Number.POSITIVE_INFINITY;
  // An exact size is known: one buffer, no copies; otherwise chunks joined at the end.
  const out = limit.exact !== undefined ? Buffer.allocUnsafe(limit.exact) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (size + buf.length > cap) {
      stream.destroy();
      throw limit.tooLarge(cap);
    }
    if (out) buf.copy(out, size);
    else chunks.push(buf);
    size += buf.length;
  }
  if (out) {
    if (size !== limit.exact) throw (limit.tooShort ?? limit.tooLarge)(size);
    return out;
  }
  return Buffer.concat(chunks, size);
}
