// Secrets at rest (issue 10, cases 8, 9 and 12): a token in an index's path or in a direct
// reference, taken from `${VAR}`, from userinfo, from the command line or from PIP_INDEX_URL,
// is never written to disk: not to the cache (project pages, run records), not to the lock (a
// direct reference keeps its `${VAR}`, which pip expands itself), not to --json. Every file a
// run leaves is searched byte for byte, for the token as written, percent-encoded and in base64.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexProject, type IndexServer } from '../helpers/index-server.js';
import { sha256Hex } from '../helpers/dists.js';
import { pipAvailable, pipInstall } from '../helpers/pip.js';
import { TARGET, TEST_AUTH, TEST_TOKEN, TEST_USER, filesUnder, hashesIn, makeWorkspace, pins, withCredentials, type Workspace } from './hostile-harness.js';

/** Distinct from the harness's credentials, so each case proves its own token stays out. */
const PATH_TOKEN = 'pathTok3n-Qw7Rt5Yu9Io1';
const LITERAL_TOKEN = 'literalTok3n-Zx4Cv6Bn8';
const DIRECT_TOKEN = 'directTok3n-Lk2Jh4Gf6';

/**
 * The ways a token can sit in a file: as written, percent-encoded byte by byte (either case), and
 * in base64 or base64url at each of the three alignments (inner characters only: the first and
 * last depend on the neighbouring bytes).
 */
function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  const bytes = Buffer.from(secret, 'utf8');
  const hex = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  forms.add(hex).add(hex.toUpperCase());
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad, 0x20), bytes]).toString('base64');
    // Characters fully determined by the secret's bytes: from the first whole group after the pad.
    const first = Math.ceil((pad * 8) / 6) + 1;
    const last = Math.floor(((pad + bytes.length) * 8) / 6) - 1;
    const inner = encoded.slice(first, last);
    forms.add(inner).add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((form) => form.length >= 8);
}

/** Every file under `dirs` (binary-safe) and every output of the workspace's runs: none holds a form of the secrets. */
async function assertNowhere(ws: Workspace, secrets: readonly string[], dirs: readonly string[], skip: (path: string) => boolean = () => false): Promise<number> {
  const forms = secrets.flatMap(secretForms);
  let files = 0;
  for (const dir of dirs) {
    for (const path of await filesUnder(dir)) {
      if (skip(path)) continue;
      const text = (await readFile(path)).toString('latin1');
      for (const form of forms) assert.ok(!text.includes(form), `${path} holds ${JSON.stringify(form)}:\n${text.slice(0, 2000)}`);
      files++;
    }
  }
  for (const run of ws.runs) {
    for (const form of forms) {
      assert.ok(!run.stdout.includes(form), `stdout holds ${form}:\n${run.stdout}`);
      assert.ok(!run.stderr.includes(form), `stderr holds ${form}:\n${run.stderr}`);
    }
  }
  return files;
}

/** app -> dep, every file served under the token's path as a path-token index serves them. */
function tokenGraph(token: string): IndexProject[] {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': {} } },
  ]).map((project) => ({ ...project, files: project.files.map((file) => ({ ...file, path: `/${token}/files/${file.filename}` })) }));
}

const servers: IndexServer[] = [];
const workspaces: Workspace[] = [];
after(async () => {
  for (const server of servers) await server.close();
  for (const ws of workspaces) await ws.remove();
});

async function pathTokenIndex(token: string, pageCacheControl: string | undefined): Promise<{ server: IndexServer; port: string }> {
  const server = await startIndexServer({ projects: tokenGraph(token), basePath: `/${token}/simple/`, pageCacheControl });
  servers.push(server);
  return { server, port: new URL(server.url).port };
}

async function workspace(input: string): Promise<Workspace> {
  const ws = await makeWorkspace(input, 'at-rest');
  workspaces.push(ws);
  return ws;
}

const pages = (server: IndexServer) => server.requests.filter((r) => r.kind === 'project-page');

describe('case 8: a token in the index path is never written to disk', () => {
  test('${TOKEN} in an -i line: cache, lock and workspace hold no form of it; the next run is recalled without a request', async () => {
    const { server, port } = await pathTokenIndex(PATH_TOKEN, 'max-age=600, public');
    const ws = await workspace(`--index-url http://127.0.0.1:${port}/\${IDX_TOKEN}/simple/\napp\n`);
    const env = { IDX_TOKEN: PATH_TOKEN };
    const first = await ws.run(['lock', 'requirements.in', ...TARGET], env);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), ['app==1.0', 'dep==1.0']);
    const lock = await readFile(ws.output, 'utf8');
    server.clearRequests();

    const again = await ws.run(['lock', 'requirements.in', '-v', ...TARGET], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(server.requests, [], 'not one request: the lock was recalled');
    assert.match(again.stderr, /not resolved again/);
    assert.equal(await readFile(ws.output, 'utf8'), lock);

    const json = await ws.run(['lock', 'requirements.in', '--json', ...TARGET], env);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { recalled: boolean }).recalled, true);
    const files = await assertNowhere(ws, [PATH_TOKEN], [ws.dir]);
    assert.ok(files >= 3, `the grep read the lock and the cache records (${files} files)`);
  });

  test('${TOKEN} in the index path without freshness: pages revalidated (304), nothing downloaded, no form of it on disk', async () => {
    const { server, port } = await pathTokenIndex(PATH_TOKEN, undefined);
    const ws = await workspace(`--index-url http://127.0.0.1:${port}/\${IDX_TOKEN}/simple/\napp\n`);
    const env = { IDX_TOKEN: PATH_TOKEN };
    assert.equal((await ws.run(['lock', 'requirements.in', ...TARGET], env)).code, 0);
    server.clearRequests();
    const again = await ws.run(['lock', 'requirements.in', ...TARGET], env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(pages(server).map((r) => r.status), [304, 304], 'both stored pages were revalidated');
    assert.deepEqual(server.downloads(), []);
    await assertNowhere(ws, [PATH_TOKEN], [ws.dir]);
  });

  test('the token written literally on the command line or in PIP_INDEX_URL: the cache holds no form of it', async () => {
    const { server } = await pathTokenIndex(LITERAL_TOKEN, 'max-age=600, public');
    for (const how of ['-i', 'PIP_INDEX_URL'] as const) {
      const ws = await workspace('app\n');
      const args = how === '-i' ? ['-i', server.url] : [];
      const env = how === 'PIP_INDEX_URL' ? { PIP_INDEX_URL: server.url } : {};
      const first = await ws.run(['lock', 'requirements.in', ...args, ...TARGET], env);
      assert.equal(first.code, 0, first.stderr);
      server.clearRequests();
      const again = await ws.run(['lock', 'requirements.in', ...args, ...TARGET], env);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(server.requests, [], `${how}: recalled without a request`);
      // The lock records what the user typed; the cache is the tool's own and holds none of it.
      const files = await assertNowhere({ ...ws, runs: [] }, [LITERAL_TOKEN], [join(ws.dir, 'cache')]);
      assert.ok(files >= 2, `${how}: the grep read the cache records (${files} files)`);
    }
  });

  test('userinfo in the index URL: no form of the user, the password or user:password anywhere', async () => {
    const server = await startIndexServer({ projects: tokenGraph('t'), requireAuth: TEST_AUTH, pageCacheControl: 'max-age=600, public' });
    servers.push(server);
    const ws = await workspace('app\n');
    for (let i = 0; i < 2; i++) {
      const result = await ws.run(['lock', 'requirements.in', '-i', withCredentials(server.url), ...TARGET]);
      assert.equal(result.code, 0, result.stderr);
    }
    await assertNowhere(ws, [TEST_USER, TEST_TOKEN, `${TEST_USER}:${TEST_TOKEN}`], [ws.dir]);
  });
});

describe('case 9: a token in a direct reference stays ${VAR} in the lock', () => {
  async function directServer(auth: boolean): Promise<{ server: IndexServer; port: string; wheel: { filename: string; bytes: Buffer } }> {
    const projects = buildUniverse([{ name: 'app', versions: { '1.0': {} } }]).map((project) => ({
      ...project,
      files: project.files.map((file) => ({ ...file, path: `/${DIRECT_TOKEN}/files/${file.filename}` })),
    }));
    const server = await startIndexServer({ projects, ...(auth ? { requireAuth: TEST_AUTH } : {}) });
    servers.push(server);
    const wheel = projects[0]?.files[0];
    assert.ok(wheel);
    return { server, port: new URL(server.url).port, wheel };
  }

  test('app @ http://host/${TOKEN}/...: the lock and --json keep ${TOKEN}; nothing on disk holds the token; a re-lock keeps the lock', async () => {
    const { port, wheel } = await directServer(false);
    const written = `http://127.0.0.1:${port}/\${APP_TOKEN}/files/${wheel.filename}`;
    const ws = await workspace(`app @ ${written}\n`);
    const env = { APP_TOKEN: DIRECT_TOKEN };
    const result = await ws.run(['lock', 'requirements.in', '--no-index', '-v', ...TARGET], env);
    assert.equal(result.code, 0, result.stderr);
    const lock = await readFile(ws.output, 'utf8');
    assert.deepEqual(pins(lock), [`app @ ${written}`]);
    assert.ok(hashesIn(lock).has(sha256Hex(wheel.bytes)));

    const json = await ws.run(['lock', 'requirements.in', '--no-index', '--json', '-o', 'other.txt', ...TARGET], env);
    assert.equal(json.code, 0, json.stderr);
    const data = JSON.parse(json.stdout) as { packages: { url: string | null; files: { url: string }[] }[] };
    assert.equal(data.packages[0]?.url, written);
    assert.equal(data.packages[0]?.files[0]?.url, written);

    const again = await ws.run(['lock', 'requirements.in', '--no-index', ...TARGET], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(await readFile(ws.output, 'utf8'), lock, 'the re-lock reads ${APP_TOKEN} back as pip would');
    assert.match(again.stderr, /up to date/);
    const checked = await ws.run(['check', 'requirements.txt', '--verify'], env);
    assert.equal(checked.code, 0, `check --verify fetches the \${APP_TOKEN} URL expanded:\n${checked.stderr}`);
    await assertNowhere(ws, [DIRECT_TOKEN], [ws.dir]);
  });

  test('pip installs the lock with ${TOKEN} from the environment, hashes checked', { skip: !pipAvailable() && 'no python3 -m pip' }, async () => {
    const { port, wheel } = await directServer(false);
    const ws = await workspace(`app @ http://127.0.0.1:${port}/\${APP_TOKEN}/files/${wheel.filename}\n`);
    const result = await ws.run(['lock', 'requirements.in', '--no-index', ...TARGET], { APP_TOKEN: DIRECT_TOKEN });
    assert.equal(result.code, 0, result.stderr);
    const site = join(ws.dir, 'site');
    await mkdir(site);
    const pip = await pipInstall(['--require-hashes', '--no-deps', '--no-index', '--target', site, '-r', ws.output], { APP_TOKEN: DIRECT_TOKEN });
    assert.equal(pip.code, 0, pip.output);
    assert.match(pip.output, /Successfully installed app-1\.0/);
  });

  test('userinfo in a direct reference: ${VAR}s kept (pip can install), literal credentials dropped, none shown or stored', async () => {
    const { server, port, wheel } = await directServer(true);
    const placeholders = `http://\${APP_USER}:\${APP_PASSWORD}@127.0.0.1:${port}/\${APP_TOKEN}/files/${wheel.filename}`;
    const ws = await workspace(`app @ ${placeholders}\n`);
    const env = { APP_USER: TEST_USER, APP_PASSWORD: TEST_TOKEN, APP_TOKEN: DIRECT_TOKEN };
    const result = await ws.run(['lock', 'requirements.in', '--no-index', ...TARGET], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(pins(await readFile(ws.output, 'utf8')), [`app @ ${placeholders}`]);
    if (pipAvailable()) {
      const site = join(ws.dir, 'site');
      await mkdir(site);
      const pip = await pipInstall(['--require-hashes', '--no-deps', '--no-index', '--target', site, '-r', ws.output], env);
      assert.equal(pip.code, 0, pip.output);
    }

    const literal = await workspace(`app @ ${withCredentials(server.fileUrl(wheel.filename))}\n`);
    const plain = await literal.run(['lock', 'requirements.in', '--no-index', ...TARGET]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(pins(await readFile(literal.output, 'utf8')), [`app @ ${server.fileUrl(wheel.filename)}`]);
    const json = await literal.run(['lock', 'requirements.in', '--no-index', '--json', '-o', '-', ...TARGET]);
    assert.equal(json.code, 0, json.stderr);
    // pip's own record of what it installed (site/*/direct_url.json) holds the URL it fetched.
    await assertNowhere(ws, [TEST_USER, TEST_TOKEN, DIRECT_TOKEN], [ws.dir], (path) => path.endsWith('.in') || path.includes('/site/'));
    await assertNowhere(literal, [TEST_USER, TEST_TOKEN], [literal.dir], (path) => path.endsWith('.in'));
  });
});

describe('case 12: a credentialed URL no parser accepts', () => {
  test("-i 'http://user:SECRET@pw@host:99999/': exit 2, and the message shows no part of the credentials", async () => {
    const ws = await workspace('app\n');
    const result = await ws.run(['lock', 'requirements.in', '-i', 'http://someuser:S3CRET@pwTail@host:99999/', ...TARGET]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error: /m);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    for (const part of ['someuser', 'S3CRET', 'pwTail']) assert.ok(!result.stderr.includes(part), `stderr shows ${part}:\n${result.stderr}`);
    assert.match(result.stderr, /host:99999/, 'the message still says which URL');
  });

  test('the same URL in an input file, and with a slash in the password: exit 2, nothing of the password shown', async () => {
    for (const url of ['http://someuser:S3CRET@pwTail@host:99999/', 'http://someuser:S3C/RETpwTail@host/simple/']) {
      const ws = await workspace(`--index-url ${url}\napp\n`);
      const result = await ws.run(['lock', 'requirements.in', ...TARGET], { PIN_HASHES_RETRIES: '0' });
      assert.ok(result.code === 2, `exit ${String(result.code)}:\n${result.stderr}`);
      for (const part of ['someuser', 'S3C', 'RETpwTail']) assert.ok(!result.stderr.includes(part), `stderr shows ${part}:\n${result.stderr}`);
      await assertNowhere(ws, ['S3CRET@pwTail', 'RETpwTail'], [join(ws.dir, 'cache')]);
    }
  });
});

