// Loaded into a CLI child with NODE_OPTIONS=--import=<this file>: when the child exits it writes
// its peak resident set size (kB, getrusage's ru_maxrss) to the file named by
// PIN_HASHES_TEST_PEAK_RSS, so a test can bound the memory of a run without polling /proc.
import { writeFileSync } from 'node:fs';

const out = process.env['PIN_HASHES_TEST_PEAK_RSS'];
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
