/**
 * The physical limit of a lock on a given server: fetch and sha256 exactly the given URLs, with
 * the given concurrency and keep-alive, nothing else. Run as its own process by `npm run bench`,
 * so it pays the same process start-up as the CLI. Prints `{ "bytes": N }` on stdout.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [urlsFile, concurrencyText] = process.argv.slice(2);
const urls = JSON.parse(readFileSync(urlsFile ?? '', 'utf8')) as string[];
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrencyText ?? 8) });
let bytes = 0;
let next = 0;

function fetchOne(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const hash = createHash('sha256');
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk);
        });
        res.on('end', () => {
          hash.digest('hex');
          resolve();
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function worker(): Promise<void> {
  while (next < urls.length) {
    const url = urls[next++];
    if (url) await fetchOne(url);
  }
}

await Promise.all(Array.from({ length: Number(concurrencyText ?? 8) }, () => worker()));
agent.destroy();
process.stdout.write(JSON.stringify({ bytes }) + '\n');
