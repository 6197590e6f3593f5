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
  type ScenarioTarget,
} from '../helpers/scenario-index.js';
import { Marker, type MarkerEnvironment } from '../../src/pep/markers.js';
import { formatPlatform, parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget } from '../../src/pep/target.js';

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

// Per target: every scenario again, locked for two targets at once, the scenario's first and one
// on another OS second. The scenario target's lines (those whose markers hold there) must be
// pip's answer; no solution there must fail the lock; a lock that fails only for the other
// target must say so.
describe('packse scenarios locked for two targets: the scenario target\'s lines are pip\'s answer', { concurrency: CONCURRENCY }, () => {
  if (folder === undefined) {
    it('needs shared/data/scenarios', (t) => t.skip('shared/data/scenarios absent'));
    return;
  }
  const answers = loadPipAnswers(join(folder, 'pip-expected.json'));
  let otherFailed = 0;
  after(() => console.log(`packse scenarios for two targets: ${otherFailed} with no solution for the other target only`));
  const entries = Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, answer] of entries) {
    it(path, async () => {
      if ((await checkScenario(join(folder, path), answer, true)) === 'other target failed') otherFailed++;
    });
  }
});

/** The scenario's target as `--target`, and a target on another OS (same Python) after it. */
function twoTargets(target: ScenarioTarget): { args: string[]; environment: MarkerEnvironment; otherPlatform: string } {
  const platform = parsePythonPlatform(target.platform);
  const otherPlatform = platform.os === 'windows' ? 'x86_64-manylinux_2_28' : 'x86_64-pc-windows-msvc';
  const args: string[] = [];
  for (let i = 0; i < target.args.length; i++) {
    const arg = target.args[i]!;
    if (arg === '--python-version' || arg === '--python-platform') i++;
    else args.push(arg);
  }
  args.push('--target', `${target.platform}@${target.pythonVersion}`, '--target', `${otherPlatform}@${target.pythonVersion}`);
  return { args, environment: makeTarget(target.pythonVersion, platform).markerEnvironment, otherPlatform };
}

/** `{ name: version }` of the lines whose markers hold on `environment`. */
function pinsOn(lock: string, environment: MarkerEnvironment): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const line of lock.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;]+)(?: ; (.*?))?(?: \\)?$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    if (match[3] === undefined || Marker.parse(match[3]).evaluate(environment)) pins[normalizeName(match[1])] = match[2];
  }
  return pins;
}

async function checkScenario(path: string, answer: PipAnswer, withOtherTarget = false): Promise<'agreed' | 'other target failed'> {
  const scenario = loadScenario(path);
  const target = scenarioTarget(scenario, answer.python);
  const two = withOtherTarget ? twoTargets(target) : undefined;
  const server = await startIndexServer({ projects: scenarioProjects(scenario), format: 'html', metadataFiles: false });
  const dir = await mkdtemp(join(tmpdir(), 'pin-hashes-scenario-'));
  try {
    await writeFile(join(dir, 'requirements.in'), scenarioRequirementsIn(scenario));
    const output = join(dir, 'requirements.txt');
    const result = await runCli(['lock', 'requirements.in', '-i', server.url, '-o', 'requirements.txt', '-q', ...(two?.args ?? target.args)], {
      cwd: dir,
    });
    if (two && answer.satisfiable && result.code === 1) {
      // The scenario's target resolved (it comes first); the other one has no solution.
      assert.match(result.stderr, new RegExp(`^error: For CPython [\\d.a-z]+ on ${two.otherPlatform}: `, 'm'), result.stderr);
      return 'other target failed';
    }
    if (!answer.satisfiable) {
      assert.equal(
        result.code,
        1,
        `pip found no solution; pin-hashes exited ${String(result.code)}:\n${result.stderr}` +
          ((await exists(output)) ? `\nlocked:\n${await readFile(output, 'utf8')}` : ''),
      );
      assert.match(result.stderr, /^error: /m);
      assert.equal(await exists(output), false, 'no lock is written when there is no solution');
      if (two) assert.match(result.stderr, new RegExp(`^error: For CPython [\\d.a-z]+ on ${formatPlatform(parsePythonPlatform(target.platform))}: `, 'm'), 'the error names the scenario target');
      return 'agreed';
    }
    assert.equal(result.code, 0, `pip resolved ${JSON.stringify(answer.resolved)}; pin-hashes failed:\n${result.stderr}`);
    const expected = Object.fromEntries(
      Object.entries(answer.resolved ?? {}).map(([name, pin]) => [normalizeName(name), pin.version]),
    );
    const lock = await readFile(output, 'utf8');
    assert.deepEqual(two ? pinsOn(lock, two.environment) : lockedPins(lock), expected);
    return 'agreed';
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
