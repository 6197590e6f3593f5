/**
 * Where the cache lives by default, per platform convention: XDG on Linux and other Unixes,
 * ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows. PIN_HASHES_CACHE_DIR and --cache-dir
 * override it (the flag wins).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env['PIN_HASHES_CACHE_DIR'];
  if (fromEnv) return fromEnv;
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local');
    return join(local, 'pin-hashes', 'Cache');
  }
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'pin-hashes');
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'pin-hashes');
}
