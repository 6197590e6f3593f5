// What a person reads when there is no solution: six unsatisfiable packse scenarios, one per
// kind of reason (a missing project, Requires-Python, yanked, no compatible wheel, a chain of
// conflicts, conflicting extras), locked through the CLI with --json. Each snapshot holds the
// stderr a person sees and the JSON a bot reads, with the loopback port and temp paths masked.
//
// Snapshots live in test/e2e/__snapshots__/<scenario>.txt. After a deliberate change, review the
// new text and rewrite them with PIN_HASHES_UPDATE_SNAPSHOTS=1. A missing snapshot fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startIndexServer } from '../helpers/index-server.js';
import { exists, projectRoot, sharedData } from '../helpers/paths.js';
import {
  loadPipAnswers,
  loadScenario,
  scenarioProjects,
  scenarioRequirementsIn,
  scenarioTarget,
} from '../helpers/scenario-index.js';

const SCENARIOS = [
  'does_not_exist/transitive-requires-package-does-not-exist.toml',
  'requires_python/python-greater-than-current-excluded.toml',
  'yanked/transitive-package-only-yanked-in-range.toml',
  'wheels/no-sdist-no-wheels-with-matching-platform.toml',
  'excluded/dependency-excludes-non-contiguous-range-of-compatible-versions.toml',
  'extras/extra-incompatible-with-extra.toml',
];

const snapshotDir = join(projectRoot, 'test', 'e2e', '__snapshots__');
const updating = process.env['PIN_HASHES_UPDATE_SNAPSHOTS'] === '1';

/** Ports and temp folders differ per run; nothing else may. */
function mask(text: string, dir: string, origin: string): string {
  return text.split(dir).join('<tmp>').split(origin).join('http://127.0.0.1:<port>');
}

const folder = sharedData('scenarios');

describe('explanations of unsatisfiable scenarios (snapshots)', () => {
  if (folder === undefined) {
    it('needs shared/data/scenarios', (t) => t.skip('shared/data/scenarios absent'));
    return;
  }
  const answers = loadPipAnswers(join(folder, 'pip-expected.json'));
  for (const path of SCENARIOS) {
    it(path, async () => {
      const answer = answers[path];
      assert.ok(answer !== undefined && !answer.satisfiable, `${path} is an unsatisfiable scenario with pip's answer`);
      const scenario = loadScenario(join(folder, path));
      const server = await startIndexServer({ projects: scenarioProjects(scenario), format: 'html', metadataFiles: false });
      const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-explain-'));
      try {
        await writeFile(join(dir, 'requirements.in'), scenarioRequirementsIn(scenario));
        const target = scenarioTarget(scenario, answer.python);
        const args = ['lock', 'requirements.in', '-i', server.url, '-o', 'requirements.txt', '--json', ...target.args];
        const result = await runCli(args, { cwd: dir });
        assert.equal(result.code, 1, result.stderr);
        assert.equal(await exists(join(dir, 'requirements.txt')), false, 'nothing is written');

        const data: unknown = JSON.parse(result.stdout);
        assert.ok(typeof data === 'object' && data !== null && 'explanation' in data, '--json prints the explanation');
        assert.ok('message' in data && typeof data.message === 'string' && result.stderr.includes(data.message), 'the JSON carries the same message');

        const actual = mask(
          `$ pin-hashes ${args.join(' ')}\n` +
            `requirements.in:\n${scenarioRequirementsIn(scenario)}\n` +
            `--- stderr (exit ${String(result.code)})\n${result.stderr}\n--- stdout\n${result.stdout}`,
          dir,
          server.origin,
        );
        const snapshot = join(snapshotDir, `${basename(path, '.toml')}.txt`);
        if (updating) await writeFile(snapshot, actual);
        assert.ok(await exists(snapshot), `no snapshot ${snapshot}: review the output and write it with PIN_HASHES_UPDATE_SNAPSHOTS=1`);
        assert.equal(actual, await readFile(snapshot, 'utf8'));
      } finally {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
