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

const made = new Map<string, TestCertificate | null>();

/**
 * The certificate named `name` (each name its own key pair) for `subjectAltName` (the host it
 * is valid for), or undefined when openssl is missing (the caller skips, saying so).
 */
export function testCertificate(name = 'index', subjectAltName = 'IP:127.0.0.1'): TestCertificate | undefined {
  const known = made.get(name);
  if (known !== undefined) return known ?? undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=pin-hashes test', '-addext', `subjectAltName=${subjectAltName}`],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    made.set(name, null);
    return undefined;
  }
  const certificate = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert };
  made.set(name, certificate);
  return certificate;
}
