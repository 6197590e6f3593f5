/**
 * Reads chosen members out of a (gzip/bzip2-less) tar stream: ustar headers, pax `path`
 * overrides and GNU long names. Stops as soon as every wanted member was seen. Used for sdist
 * PKG-INFO and pyproject.toml; member sizes are capped so a hostile archive cannot fill memory.
 */
import type { Readable } from 'node:stream';
import { PinHashesError } from '../errors.js';

export interface TarMember {
  name: string;
  data: Buffer;
}

/**
 * Collects the regular files for which `want(name)` is true, up to `maxBytes` each. `done`
 * ends the scan early once it returns true for what was collected so far.
 */
export async function readTarMembers(
  stream: Readable,
  want: (name: string) => boolean,
  done: (found: ReadonlyMap<string, Buffer>) => boolean,
  what: string,
  maxBytes: number,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  let buffer: Buffer = Buffer.alloc(0);
  let state: { kind: 'header' } | { kind: 'body'; name: string; type: string; remaining: number; padding: number; keep: Buffer[] | null } = {
    kind: 'header',
  };
  let pendingName: string | undefined;

  const fail = (problem: string): never => {
    throw new PinHashesError('BAD_ARCHIVE', `${what}: ${problem}`, {
      exitCode: 2,
      hint: 'The file is damaged or is not what its name says; try again later (a broken download or mirror), or report it to the index operator.',
    });
  };

  try {
    for await (const chunk of stream) {
      buffer = buffer.length === 0 ? (chunk as Buffer) : Buffer.concat([buffer, chunk as Buffer]);
      for (;;) {
        if (state.kind === 'header') {
          if (buffer.length < 512) break;
          const header = buffer.subarray(0, 512);
          buffer = buffer.subarray(512);
          if (header.every((b) => b === 0)) continue; // end-of-archive padding
          if (!checksumOk(header)) fail('not a tar archive (bad header checksum)');
          const size = readSize(header.subarray(124, 136));
          if (size === undefined) fail('unreadable member size');
          const type = String.fromCharCode(header[156] ?? 48);
          const prefix = cString(header.subarray(345, 500));
          const base = cString(header.subarray(0, 100));
          const name = pendingName ?? (prefix ? `${prefix}/${base}` : base);
          pendingName = undefined;
          const isMeta = type === 'x' || type === 'L';
          const isFile = type === '0' || type === '\0' || type === '7';
          const keep = isMeta || (isFile && want(name)) ? [] : null;
          if (keep && (size ?? 0) > maxBytes) fail(`${name} is ${size} bytes, more than the ${maxBytes} we read`);
          state = { kind: 'body', name, type, remaining: size ?? 0, padding: (512 - ((size ?? 0) % 512)) % 512, keep };
          continue;
        }
        const take = Math.min(state.remaining, buffer.length);
        if (take > 0) {
          state.keep?.push(buffer.subarray(0, take));
          buffer = buffer.subarray(take);
          state.remaining -= take;
        }
        if (state.remaining > 0) break;
        if (buffer.length < state.padding) break;
        buffer = buffer.subarray(state.padding);
        const data = state.keep ? Buffer.concat(state.keep) : undefined;
        if (data && state.type === 'x') pendingName = paxPath(data) ?? pendingName;
        else if (data && state.type === 'L') pendingName = cString(data);
        else if (data) found.set(state.name, data);
        state = { kind: 'header' };
        if (done(found)) {
          stream.destroy();
          return found;
        }
      }
    }
  } catch (error) {
    if (error instanceof PinHashesError) throw error;
    fail(`cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return found;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

function readSize(field: Buffer): number | undefined {
  if ((field[0] ?? 0) & 0x80) {
    // base-256 for sizes beyond 8 GiB
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(field).trim();
  if (text === '') return 0;
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

function checksumOk(header: Buffer): boolean {
  const stored = parseInt(cString(header.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return stored === sum;
}

function paxPath(data: Buffer): string | undefined {
  // Records are "<len> <key>=<value>\n".
  let p = 0;
  const text = data.toString('utf8');
  while (p < text.length) {
    const space = text.indexOf(' ', p);
    if (space < 0) break;
    const len = Number(text.slice(p, space));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = text.slice(space + 1, p + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') return record.slice(eq + 1);
    p += len;
  }
  return undefined;
}
