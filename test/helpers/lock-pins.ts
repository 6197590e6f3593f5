// Reads the pins back out of a rendered requirements.txt lock, for comparisons in tests.
import { normalizeName } from './dists.js';

/** `{ normalized name: version }` of every `name==version` line. */
export function lockedPins(lock: string): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const line of lock.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) pins[normalizeName(match[1])] = match[2];
  }
  return pins;
}
