/**
 * Offset of the first byte that does not start or continue a valid UTF-8 sequence, for messages
 * that point at it (an undecodable page, a requirements file that is not UTF-8); the length when
 * every sequence is valid (a sequence cut off at the end counts as valid so far).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that streams without an error: monotonic in its length, so halving finds
  // it in O(n log n) without a hand-written UTF-8 state machine.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
