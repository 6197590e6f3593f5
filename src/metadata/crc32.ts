/**
 * CRC-32 (IEEE), what ZIP records for each member and what Python's zipfile checks on every read.
 * zlib.crc32 exists from Node 20.15 and 22.2; the table is for the Node 22.0/22.1 our engines allow.
 */
import zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

// Typed as always present by @types/node 20, yet absent before Node 20.15 / 22.2 at runtime.
const native: ((data: Uint8Array) => number) | undefined = typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;

export function crc32(data: Uint8Array): number {
  if (native) return native(data) >>> 0;
  table ??= crcTable();
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
