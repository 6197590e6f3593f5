// PEP 740 end to end: real PyPI attestations served by the loopback index with their files (JSON
// and HTML pages), verified offline by the CLI (the test runner lets no socket leave loopback:
// test/helpers/loopback-only.ts), recorded in the lock, pinned across re-locks and checked by
// `check --verify`; tampering with the file, the provenance or the identity fails with exit 1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWheel, metadataText } from '../helpers/dists.js';
import { buildUniverse, startIndexServer, type IndexProject, type IndexServer, type IndexServerOptions } from '../helpers/index-server.js';
import { pipAvailable, pipInstall } from '../helpers/pip.js';
import { REAL, attestationsDir, provenanceOf, readData, readJson, stagingRootPath, tampered, type Json } from '../helpers/attestations.js';
import { TARGET, makeWorkspace, type Workspace } from './hostile-harness.js';
import { grepForSecretsThenCleanUp } from './hostile-harness-index.js';

const skip = attestationsDir === undefined ? 'needs ../shared/data/attestations' : false;

const GITLAB_LINE = '# provenance: GitLab facutuesca/gitlab-oidc-project workflow=.gitlab-ci.yml repository-id=55235664 owner-id=12885801';
const GITHUB_LINE = '# provenance: GitHub trailofbits/pypi-attestations workflow=release.yml repository-id=772247423 owner-id=2314423';

/** gitlab-oidc-project (GitLab) and pypi-attestations (GitHub, PyPI's own provenance bytes) attested in production; plain has none. */
function attestedProjects(edit: { pypiProvenance?: Buffer | null; pypiBytes?: Buffer } = {}): IndexProject[] {
  const gitlab = REAL.gitlab;
  const pypi = REAL.pypiAttestations;
  return [
    {
      name: 'gitlab-oidc-project',
      files: [{ filename: gitlab.file, bytes: readData(gitlab.file), provenance: Buffer.from(JSON.stringify(provenanceOf([readJson(gitlab.attestation)], gitlab.publisher))) }],
    },
    {
      name: 'pypi-attestations',
      files: [
        {
          filename: pypi.file,
          bytes: edit.pypiBytes ?? readData(pypi.file),
          // Its PKG-INFO (metadata 2.1) would need a build: a .metadata file stands in, without its dependencies.
          metadata: Buffer.from(metadataText({ name: 'pypi-attestations', version: '0.0.19' })),
          ...(edit.pypiProvenance === null ? {} : { provenance: edit.pypiProvenance ?? readData(pypi.provenance) }),
        },
      ],
    },
    ...buildUniverse([{ name: 'plain', versions: { '1.0': {} } }]),
  ];
}

const INPUT = 'gitlab-oidc-project\npypi-attestations==0.0.19\nplain\n';

async function withIndex<T>(projects: IndexProject[], options: IndexServerOptions, body: (server: IndexServer) => Promise<T>): Promise<T> {
  const server = await startIndexServer({ projects, ...options });
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

function lockArgs(server: IndexServer, ...extra: string[]): string[] {
  return ['lock', 'requirements.in', '-i', server.url, ...TARGET, ...extra];
}

describe('PEP 740 attestations in a lock', { skip }, () => {
  test('these runs have no network but loopback: the guard is loaded into every CLI the suite starts', () => {
    // scripts/run-tests.mjs puts it in NODE_OPTIONS; the CLI inherits it (test/helpers/cli.ts keeps NODE_OPTIONS).
    assert.match(process.env['NODE_OPTIONS'] ?? '', /loopback-only\.js/, 'run the suite through npm test');
  });

  for (const format of ['json', 'html'] as const) {
    test(`${format} pages: both publishers verified, recorded per package, per file in --json; plain is recorded as having none`, async () => {
      const ws = await makeWorkspace(INPUT, 'provenance');
      await withIndex(attestedProjects(), { format, apiVersion: '1.3' }, async (server) => {
        const result = await ws.run([...lockArgs(server), '--json']);
        assert.equal(result.code, 0, result.stderr);
        const lock = await readFile(ws.output, 'utf8');
        assert.ok(lock.includes(`    ${GITLAB_LINE}\n`), lock);
        assert.ok(lock.includes(`    ${GITHUB_LINE}\n`), lock);
        assert.match(lock, /^plain==1\.0 \\\n(?:.*\n)*?    # provenance: none$/m);
        assert.match(lock, /^# attestations: PEP 740, verified with Sigstore trust root sha256:6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66$/m);
        assert.equal(server.requests.filter((r) => r.kind === 'provenance').length, 2, 'one provenance request per attested file');
        const json = JSON.parse(result.stdout) as { packages: { name: string; provenance: Json; files: { provenance: Json }[] }[] };
        const pypi = json.packages.find((p) => p.name === 'pypi-attestations');
        const file = pypi?.files[0]?.provenance as { kind: string; attestations: { predicateType: string; signedTime: string; logIndex: string; publisher: Json }[] };
        assert.equal(file.kind, 'verified');
        assert.equal(file.attestations[0]?.predicateType, 'https://docs.pypi.org/attestations/publish/v1');
        assert.match(file.attestations[0]?.signedTime ?? '', /^2024-/);
        assert.match(file.attestations[0]?.logIndex ?? '', /^\d+$/);
        assert.equal(file.attestations[0]?.publisher['repositoryId'], '772247423');
        assert.deepEqual(json.packages.find((p) => p.name === 'plain')?.provenance, { kind: 'none' });
      });
    });
  }

  test('the summary says how many packages are attested, by which kinds, and names the others', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      const result = await ws.run(lockArgs(server));
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /Provenance: 2 of 3 packages attested \(GitHub 1, GitLab 1\); no attestations: plain\./);
    });
  });

  test('a file with one byte changed (and the claims following it): exit 1, the file and the reason named, nothing written', async () => {
    const bytes = Buffer.from(readData(REAL.pypiAttestations.file));
    bytes[200]! ^= 1;
    const ws = await makeWorkspace(INPUT, 'provenance');
    await ws.writePrevious('# previous\n');
    await withIndex(attestedProjects({ pypiBytes: bytes }), {}, async (server) => {
      const result = await ws.run(lockArgs(server));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /pypi_attestations-0\.0\.19\.tar\.gz \(from .*\): its PEP 740 attestation does not prove who built it: it attests to sha256 9bb1add0/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      await ws.assertPreviousUntouched();
    });
  });

  const tamperings: [string, (p: Json) => void, RegExp][] = [
    ["the index's publisher claim", (p) => (((p['attestation_bundles'] as Json[])[0]!['publisher'] as Json)['repository'] = 'evil/pypi-attestations'), /publisher claim is false.*evil\/pypi-attestations/],
    ['the signature', (p) => {
      const envelope = ((p['attestation_bundles'] as Json[])[0]!['attestations'] as Json[])[0]!['envelope'] as { signature: string };
      envelope.signature = Buffer.from('MEUCIQ' + 'A'.repeat(90), 'base64').toString('base64');
    }, /does not verify|transparency log/],
    ['the version field', (p) => (p['version'] = 2), /not a PEP 740 provenance object/],
  ];
  for (const [what, edit, message] of tamperings) {
    test(`provenance with ${what} altered: exit 1 with the reason`, async () => {
      const altered = Buffer.from(JSON.stringify(tampered(readJson(REAL.pypiAttestations.provenance), edit)));
      const ws = await makeWorkspace(INPUT, 'provenance');
      await withIndex(attestedProjects({ pypiProvenance: altered }), {}, async (server) => {
        const result = await ws.run(lockArgs(server));
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, message);
        assert.match(result.stderr, /ATTESTATION|attestation/);
      });
    });
  }

  test('provenance that is huge or cut short: exit 1, never read past the limit', async () => {
    for (const body of [Buffer.alloc(2 * 1024 * 1024, 0x20), readData(REAL.pypiAttestations.provenance).subarray(0, 500)]) {
      const ws = await makeWorkspace(INPUT, 'provenance');
      await withIndex(attestedProjects({ pypiProvenance: body }), {}, async (server) => {
        const result = await ws.run(lockArgs(server));
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /pypi_attestations-0\.0\.19\.tar\.gz.*(larger than 1048576 bytes|not UTF-8 JSON)/);
      });
    }
  });

  test('a publisher that changed since the lock: exit 1 naming both; --accept-publisher records the new one', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      assert.equal((await ws.run(lockArgs(server))).code, 0);
      // The lock as it would be had the project been published from another repository before.
      const first = await readFile(ws.output, 'utf8');
      const pinnedElsewhere = first.replace(GITHUB_LINE, '# provenance: GitHub someone/pypi-attestations workflow=release.yml repository-id=1 owner-id=2');
      await ws.writePrevious(pinnedElsewhere);
      const refused = await ws.run(lockArgs(server));
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /pypi-attestations==0\.0\.19: publisher changed from GitHub someone\/pypi-attestations \(release\.yml; repository id 1, owner id 2\) to GitHub trailofbits\/pypi-attestations \(release\.yml; repository id 772247423, owner id 2314423\)/);
      assert.match(refused.stderr, /--accept-publisher/);
      await ws.assertPreviousUntouched();
      const accepted = await ws.run(lockArgs(server, '--accept-publisher', 'PyPI_Attestations'));
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(accepted.stderr, /publisher changed from GitHub someone\/pypi-attestations .* \(accepted with --accept-publisher\)/);
      assert.ok((await readFile(ws.output, 'utf8')).includes(GITHUB_LINE));
      assert.doesNotMatch(await readFile(ws.output, 'utf8'), /accept-publisher/, 'a one-time acceptance is not written into the header');
    });
  });

  test('attestations that disappear: the re-lock and check --verify fail (attestation-lost); a 403 keeps the pin with a warning', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    const projects = attestedProjects();
    await withIndex(projects, {}, async (server) => {
      assert.equal((await ws.run(lockArgs(server))).code, 0);
      const locked = await readFile(ws.output, 'utf8');
      server.setFault((req) => (req.kind === 'provenance' && req.filename === REAL.pypiAttestations.file ? { status: 403, body: '{"message":"Attestations temporarily disabled"}' } : undefined));
      const unknown = await ws.run([...lockArgs(server), '--no-cache']);
      assert.equal(unknown.code, 0, unknown.stderr);
      assert.match(unknown.stderr, /pypi-attestations==0\.0\.19: its provenance could not be fetched; the pinned publisher \(GitHub trailofbits\/pypi-attestations/);
      assert.equal(await readFile(ws.output, 'utf8'), locked, 'unknown is not none: the pin stays');
      const required = await ws.run([...lockArgs(server), '--no-cache', '--require-attestations', 'pypi-attestations']);
      assert.equal(required.code, 1, required.stderr);
      assert.match(required.stderr, /attestations are required \(--require-attestations\) but the index did not say/);
      server.setFault(undefined);
      server.updateFile('pypi-attestations', REAL.pypiAttestations.file, { provenance: undefined });
      const lost = await ws.run([...lockArgs(server), '--no-cache']);
      assert.equal(lost.code, 1, lost.stderr);
      assert.match(lost.stderr, /pypi-attestations==0\.0\.19: the lock pins publisher GitHub trailofbits\/pypi-attestations .* but its files now have no attestations/);
      const check = await ws.run(['check', '--verify', '--json']);
      assert.equal(check.code, 1, check.stderr);
      const findings = (JSON.parse(check.stdout) as { findings: { kind: string; package: string }[] }).findings;
      assert.deepEqual(findings.filter((f) => f.kind === 'attestation-lost').map((f) => f.package), ['pypi-attestations']);
    });
  });

  test('check --verify: a publisher that changed is a publisher-changed finding; the same lock unchanged verifies clean', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      assert.equal((await ws.run(lockArgs(server))).code, 0);
      const clean = await ws.run(['check', '--verify']);
      assert.equal(clean.code, 0, clean.stderr + clean.stdout);
      const lock = await readFile(ws.output, 'utf8');
      await writeFile(ws.output, lock.replace(GITLAB_LINE, '# provenance: GitLab other/gitlab-oidc-project workflow=.gitlab-ci.yml'));
      const drifted = await ws.run(['check', '--verify', '--json']);
      assert.equal(drifted.code, 1);
      const findings = (JSON.parse(drifted.stdout) as { findings: { kind: string; package: string; message: string }[] }).findings;
      const changed = findings.filter((f) => f.kind === 'publisher-changed');
      assert.deepEqual(changed.map((f) => f.package), ['gitlab-oidc-project']);
      assert.match(changed[0]?.message ?? '', /from GitLab other\/gitlab-oidc-project \(\.gitlab-ci\.yml\) to GitLab facutuesca\/gitlab-oidc-project/);
    });
  });

  test('--no-verify-attestations: no provenance is fetched, and the header says so', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      const result = await ws.run(lockArgs(server, '--no-verify-attestations'));
      assert.equal(result.code, 0, result.stderr);
      const lock = await readFile(ws.output, 'utf8');
      assert.match(lock, /^# attestations: not verified \(--no-verify-attestations\)$/m);
      assert.match(lock, /^#    pin-hashes lock .*--no-verify-attestations/m);
      assert.doesNotMatch(lock, /# provenance:/);
      assert.equal(server.requests.filter((r) => r.kind === 'provenance').length, 0);
      const refused = await ws.run(['check']);
      assert.equal(refused.code, 1, 'a header that turns verification off is not taken on its own word');
      assert.match(refused.stderr, /header turns attestation verification off .* pass --no-verify-attestations to check if that is intended/);
      assert.equal((await ws.run(['check', '--no-verify-attestations'])).code, 0, 'check reproduces it from the header when CI says so');
    });
  });

  test('a bare file beside attested ones: recorded on first lock; refused under --require-attestations; a bare file added later fails the re-lock and check --verify', async () => {
    const bareWheel = buildWheel({ name: 'pypi-attestations', version: '0.0.19' });
    const withWheel = (): IndexProject[] => attestedProjects().map((p) => (p.name === 'pypi-attestations' ? { ...p, files: [...p.files, { filename: bareWheel.filename, bytes: bareWheel.bytes, metadata: 'auto' as const }] } : p));
    const fresh = await makeWorkspace(INPUT, 'provenance');
    await withIndex(withWheel(), {}, async (server) => {
      const first = await fresh.run(lockArgs(server));
      assert.equal(first.code, 0, first.stderr);
      assert.ok((await readFile(fresh.output, 'utf8')).includes(`${GITHUB_LINE} unattested=${bareWheel.filename}\n`));
      assert.match(first.stderr, new RegExp(`${bareWheel.filename.replace(/\./g, '\\.')} has no attestation, while its other files are signed by GitHub trailofbits`));
      const required = await fresh.run(lockArgs(server, '--require-attestations', ':all:'));
      assert.equal(required.code, 1, required.stderr);
      assert.match(required.stderr, /pypi-attestations==0\.0\.19: attestations are required \(--require-attestations\) but pypi_attestations-0\.0\.19-py3-none-any\.whl has none/);
    });
    const later = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      assert.equal((await later.run(lockArgs(server))).code, 0);
      server.addFile('pypi-attestations', { filename: bareWheel.filename, bytes: bareWheel.bytes, metadata: 'auto' });
      const relock = await later.run([...lockArgs(server), '--no-cache']);
      assert.equal(relock.code, 1, relock.stderr);
      assert.match(relock.stderr, /the lock pins publisher GitHub trailofbits\/pypi-attestations .*, but pypi_attestations-0\.0\.19-py3-none-any\.whl has no attestation/);
      const check = await later.run(['check', '--verify', '--json']);
      assert.equal(check.code, 1);
      const findings = (JSON.parse(check.stdout) as { findings: { kind: string; filename?: string }[] }).findings;
      assert.ok(findings.some((f) => f.kind === 'attestation-lost' && f.filename === bareWheel.filename), JSON.stringify(findings));
    });
  });

  test('new bytes while the provenance answers 403: the re-lock fails instead of keeping the old publisher over unverified files', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      assert.equal((await ws.run(lockArgs(server))).code, 0);
      const other = Buffer.from(readData(REAL.pypiAttestations.file));
      other[300]! ^= 1;
      server.replaceFileBytes('pypi-attestations', REAL.pypiAttestations.file, other);
      server.setFault((req) => (req.kind === 'provenance' ? { status: 403 } : undefined));
      const result = await ws.run([...lockArgs(server), '--no-cache', '-P', 'pypi-attestations']);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /pypi-attestations==0\.0\.19: its files changed since the lock, and their provenance could not be fetched/);
    });
  });

  test('a hand-edited record of "none" for signed files: check --verify fails (it would hide a later loss)', async () => {
    const ws = await makeWorkspace(INPUT, 'provenance');
    await withIndex(attestedProjects(), {}, async (server) => {
      assert.equal((await ws.run(lockArgs(server))).code, 0);
      await writeFile(ws.output, (await readFile(ws.output, 'utf8')).replace(GITHUB_LINE, '# provenance: none'));
      const check = await ws.run(['check', '--verify', '--json']);
      assert.equal(check.code, 1);
      const findings = (JSON.parse(check.stdout) as { findings: { kind: string; message: string }[] }).findings;
      assert.ok(findings.some((f) => f.kind === 'publisher-changed' && /the lock records no attestations, but its files are signed by GitHub trailofbits/.test(f.message)), JSON.stringify(findings));
    });
  });

  test('a staging attestation: refused by the embedded production root, verified with --trusted-root staging; pip installs the lock', async () => {
    const projects: IndexProject[] = [
      { name: 'rfc8785', files: [{ filename: REAL.rfc8785.file, bytes: readData(REAL.rfc8785.file), provenance: Buffer.from(JSON.stringify(provenanceOf([readJson(REAL.rfc8785.attestation)], null))) }] },
    ];
    const ws = await makeWorkspace('rfc8785\n', 'provenance');
    await withIndex(projects, {}, async (server) => {
      const production = await ws.run(lockArgs(server));
      assert.equal(production.code, 1, production.stderr);
      assert.match(production.stderr, /rfc8785-0\.1\.2-py3-none-any\.whl .*does not chain to the trusted root/);
      const root = join(ws.dir, 'staging-root.json');
      await writeFile(root, await readFile(stagingRootPath()));
      const staging = await ws.run(lockArgs(server, '--trusted-root', 'staging-root.json'));
      assert.equal(staging.code, 0, staging.stderr);
      const lock = await readFile(ws.output, 'utf8');
      assert.match(lock, /^    # provenance: Other william@yossarian\.net issuer=https:\/\/github\.com\/login\/oauth$/m);
      assert.match(lock, /^#    pin-hashes lock .*--trusted-root staging-root\.json/m);
      const unsaid = await ws.run(['check', '--verify']);
      assert.equal(unsaid.code, 1, 'a header must not choose its own trust root');
      assert.match(unsaid.stderr, /header verifies attestations with the trust root staging-root\.json \(sha256 [0-9a-f]{64}\), but check was given none/);
      assert.equal((await ws.run(['check', '--verify', '--trusted-root', 'staging-root.json'])).code, 0, 'check verifies with the root CI names');
      if (!pipAvailable()) return;
      const site = await mkdtemp(join(tmpdir(), 'pin-hashes-site-'));
      try {
        const pip = await pipInstall(['--require-hashes', '--no-deps', '--target', site, '--index-url', server.url, '-r', ws.output]);
        assert.equal(pip.code, 0, pip.output);
      } finally {
        await rm(site, { recursive: true, force: true });
      }
    });
  });
});

// The workspaces of this suite hold no credential (the index is public); the grep still runs.
void (undefined as unknown as Workspace);
grepForSecretsThenCleanUp(undefined, { skip });
