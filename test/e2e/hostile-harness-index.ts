// The hostile suites' common case: a fresh index (private: it wants the test credentials) with
// a small graph, a workspace holding a previous lock, one `lock` run against the index with the
// credentials in the URL, and the index closed again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildUniverse, startIndexServer, type IndexProject, type IndexServer, type IndexServerOptions } from '../helpers/index-server.js';
import type { CliResult } from '../helpers/cli.js';
import { TARGET, TEST_AUTH, allWorkspaces, grepWorkspacesForSecrets, makeWorkspace, withCredentials, type Workspace } from './hostile-harness.js';

/** app 1.0 -> dep>=1; dep 1.0 is a wheel of ~50 kB (big enough to break mid-body). */
export function smallGraph(): IndexProject[] {
  return buildUniverse([
    { name: 'app', versions: { '1.0': { requiresDist: ['dep>=1'] } } },
    { name: 'dep', versions: { '1.0': { padBytes: 50_000 } } },
  ]);
}

export function fileOf(projects: readonly IndexProject[], prefix: string): { filename: string; bytes: Buffer } {
  const file = projects.flatMap((p) => p.files).find((f) => f.filename.startsWith(prefix));
  assert.ok(file, `the test graph has a file starting with ${prefix}`);
  return file;
}

export const DEP_WHEEL = 'dep-1.0-py3-none-any.whl';

export interface HostileRun {
  ws: Workspace;
  server: IndexServer;
  result: CliResult;
}

/**
 * A previous lock made by a clean run, written into each case's workspace before the hostile run:
 * the case then proves it is left byte for byte as it was.
 */
let previousLock: string | undefined;

export function usePreviousLock(): void {
  before(async () => {
    const server = await startIndexServer({ projects: smallGraph(), requireAuth: TEST_AUTH });
    const ws = await makeWorkspace();
    try {
      const result = await ws.run(['lock', 'requirements.in', '-i', withCredentials(server.url), ...TARGET]);
      assert.equal(result.code, 0, result.stderr);
      previousLock = await readFile(ws.output, 'utf8');
      assert.match(previousLock, /^dep==1\.0 \\$/m);
    } finally {
      await server.close();
    }
  });
}

export interface HostileCase {
  projects?: IndexProject[];
  server?: IndexServerOptions;
  /** Faults, changed claims...: applied after the server started. */
  setup?: (server: IndexServer) => void | Promise<void>;
  /** Extra CLI arguments (after the defaults). */
  args?: string[];
  env?: Record<string, string | undefined>;
  input?: string;
  /** Default true: the private index wants the test credentials. */
  auth?: boolean;
}

export async function lockAgainstHostileIndex(spec: HostileCase): Promise<HostileRun> {
  assert.ok(previousLock, 'usePreviousLock() ran');
  const server = await startIndexServer({
    projects: spec.projects ?? smallGraph(),
    ...(spec.auth === false ? {} : { requireAuth: TEST_AUTH }),
    ...spec.server,
  });
  const ws = await makeWorkspace(spec.input);
  try {
    await ws.writePrevious(previousLock);
    await spec.setup?.(server);
    const url = spec.auth === false ? server.url : withCredentials(server.url);
    const result = await ws.run(['lock', 'requirements.in', '-i', url, ...TARGET, ...(spec.args ?? [])], spec.env);
    return { ws, server, result };
  } finally {
    await server.close();
  }
}

/**
 * Every suite ends with the acceptance grep over everything it produced (stdout, stderr, locks,
 * cache records, temp leftovers), then removes its workspaces.
 */
export function grepForSecretsThenCleanUp(allow?: (path: string) => boolean, options: { skip?: string | false } = {}): void {
  // Skipped with the suite (its data absent): there is nothing to grep then.
  test('no output, message, lock or cache file of this suite holds a test credential', { skip: options.skip ?? false }, async () => {
    const checked = await grepWorkspacesForSecrets(allWorkspaces, allow);
    assert.ok(checked > 10, `the grep looked at ${checked} outputs`);
  });
  after(async () => {
    for (const ws of allWorkspaces) await ws.remove();
  });
}
