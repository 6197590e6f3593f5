// A self-signed certificate for 127.0.0.1, made with openssl once per test process: the key to
// serve an https:// loopback index, and the certificate as a CA file for the CLI's
// NODE_EXTRA_CA_CERTS (Node reads it at start-up; nothing else is trusted more).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate's path, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
}

let made: TestCertificate | undefined | null;

/** The certificate, or undefined when openssl is missing (the caller skips, saying so). */
export function testCertificate(): TestCertificate | undefined {
  if (made !== undefined) return made ?? undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    made = null;
    return undefined;
  }
  made = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert };
  return made;
}
