// The pylock suites' shared fixture: an index with an app, a project with platform wheels (the
// lock lists every one, pip picks the one for this machine) and an sdist-only project, and a
// folder with requirements.in; `lockTo` locks it into a file of that folder.
import { after, before } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUniverse, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { hostPythonVersion, pipAvailable } from '../helpers/pip.js';

export const PLATFORM = 'x86_64-manylinux_2_36';

export interface PylockFixture {
  server: IndexServer;
  dir: string;
  lockTo(output: string, ...extra: string[]): Promise<CliResult>;
}

/** Registers before/after hooks in the calling describe(); the fields are set once `before` ran. */
export function usePylockFixture(label: string): PylockFixture {
  const python = pipAvailable() ? hostPythonVersion() : '3.11.7';
  const fixture = {
    lockTo: (output: string, ...extra: string[]) =>
      runCli(['lock', 'requirements.in', '-i', fixture.server.url, '--python-version', python, '--python-platform', PLATFORM, '-o', output, ...extra], { cwd: fixture.dir }),
  } as PylockFixture;
  before(async () => {
    fixture.server = await startIndexServer({
      projects: buildUniverse([
        { name: 'app', versions: { '1.0': { requiresDist: ['native>=1', 'pure'], sdist: true } } },
        { name: 'native', versions: { '1.0': { wheelTags: ['cp311-cp311-manylinux_2_17_x86_64', 'cp312-cp312-manylinux_2_17_x86_64', 'cp311-cp311-win_amd64', 'cp311-cp311-macosx_11_0_arm64', 'py3-none-any'] } } },
        { name: 'pure', versions: { '2.0': { sdist: true } } },
      ]),
    });
    fixture.dir = await mkdtemp(join(tmpdir(), `pin-hashes-${label}-`));
    await writeFile(join(fixture.dir, 'requirements.in'), 'app\n');
  });
  after(async () => {
    await fixture.server.close();
    await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}
