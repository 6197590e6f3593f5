/**
 * Reading a file the user (or a lock's header, which anyone with write access to the repository
 * can edit) names: only a regular file, and only up to a size cap. `check` takes its inputs from
 * the lock's header, so a header pointing at /dev/zero, a FIFO or /proc/self/environ must neither
 * hang, nor grow memory without end, nor pour the environment into an error message.
 *
 * The file is opened non-blocking (opening a FIFO with no writer would otherwise wait forever),
 * checked with fstat on the open descriptor (no window between check and read), and read in
 * chunks, so a file that lies about its size (everything under /proc says 0) is bounded too.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Requirements files, locks and netrc files are kilobytes; 16 MiB leaves room for any real one. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

const CHUNK = 64 * 1024;

/** An fs-style error (its `code` says why) for a file that is not read. */
export class UnreadableFileError extends Error {
  constructor(
    readonly code: 'EISDIR' | 'NOT_REGULAR_FILE' | 'FILE_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

export async function readBoundedFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new UnreadableFileError('EISDIR', 'it is a directory');
    if (!info.isFile()) throw new UnreadableFileError('NOT_REGULAR_FILE', `it is not a regular file (${kindOf(info)})`);
    if (info.size > maxBytes) throw tooLarge(maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** As readBoundedFile, decoded as UTF-8 (callers that need pip's decoding rules decode themselves). */
export async function readBoundedText(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  return (await readBoundedFile(path, maxBytes)).toString('utf8');
}

function tooLarge(maxBytes: number): UnreadableFileError {
  return new UnreadableFileError('FILE_TOO_LARGE', `it is larger than ${maxBytes / (1024 * 1024)} MiB, too large for a requirements or lock file`);
}

function kindOf(info: { isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}
