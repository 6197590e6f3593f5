// Every single-environment packse scenario in shared/data/scenarios, served from a loopback
// index in the shape pip saw (README there), locked by the real CLI, and compared with what pip
// chose (pip-expected.json): the same verdict, and the same version for every pin, no more and
// no fewer packages. Unsatisfiable means exit 1 and no output file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { normalizeName } from '../helpers/dists.js';
import { lockedPins } from '../helpers/lock-pins.js';
import { startIndexServer } from '../helpers/index-server.js';
import { exists, sharedData } from '../helpers/paths.js';
import {
  loadPipAnswers,
  loadScenario,
  scenarioProjects,
  scenarioRequirementsIn,
  scenarioTarget,
  type PipAnswer,
} from '../helpers/scenario-index.js';

/** Scenarios locked at once: each is a child process plus a server, on a 2-core machine. */
const CONCURRENCY = 3;

const folder = sharedData('scenarios');

describe('packse scenarios through the CLI and a loopback index, judged by pip', { concurrency: CONCURRENCY }, () => {
  if (folder === undefined) {
    it('needs shared/data/scenarios', (t) => t.skip('shared/data/scenarios absent'));
    return;
  }
  const answers = loadPipAnswers(join(folder, 'pip-expected.json'));
  const disagreements: string[] = [];
  let agree = 0;
  let total = 0;
  after(() => {
    console.log(`packse scenarios through the CLI: ${agree} of ${total} agree with pip`);
    for (const line of disagreements) console.log(`  differs: ${line}`);
  });

  const entries = Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, answer] of entries) {
    it(path, async () => {
      total++;
      try {
        await checkScenario(join(folder, path), answer);
        agree++;
      } catch (error) {
        disagreements.push(`${path}: ${error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error)}`);
        throw error;
      }
    });
  }
});

async function checkScenario(path: string, answer: PipAnswer): Promise<void> {
  const scenario = loadScenario(path);
  const target = scenarioTarget(scenario, answer.python);
  const server = await startIndexServer({ projects: scenarioProjects(scenario), format: 'html', metadataFiles: false });
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-scenario-'));
  try {
    await writeFile(join(dir, 'requirements.in'), scenarioRequirementsIn(scenario));
    const output = join(dir, 'requirements.txt');
    const result = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', 'requirements.txt', '-q', ...target.args], {
      cwd: dir,
    });
    if (!answer.satisfiable) {
      assert.equal(
        result.code,
        1,
        `pip found no solution; pin-hashes exited ${String(result.code)}:\n${result.stderr}` +
          ((await exists(output)) ? `\nlocked:\n${await readFile(output, 'utf8')}` : ''),
      );
      assert.match(result.stderr, /^error: /m);
      assert.equal(await exists(output), false, 'no lock is written when there is no solution');
      return;
    }
    assert.equal(result.code, 0, `pip resolved ${JSON.stringify(answer.resolved)}; pin-hashes failed:\n${result.stderr}`);
    const expected = Object.fromEntries(
      Object.entries(answer.resolved ?? {}).map(([name, pin]) => [normalizeName(name), pin.version]),
    );
    assert.deepEqual(lockedPins(await readFile(output, 'utf8')), expected);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
