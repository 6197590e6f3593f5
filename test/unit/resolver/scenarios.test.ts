// Every single-environment packse scenario in shared/data/scenarios, resolved and compared with
// what pip 26 chose for it (pip-expected.json): the same satisfiable verdict and every pin.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { z } from 'zod';
import { sharedData } from '../../helpers/paths.js';
import { normalizeName } from '../../../src/pep/names.js';
import { NoSolutionError, resolve, type Resolution } from '../../../src/resolver/index.js';
import { buildOptions, linuxEnvironment, pins } from './helpers.js';
import { ScenarioProvider, scenarioSchema, scenarioTarget, type Scenario } from './scenario-provider.js';

const pipAnswers = z.record(
  z.string(),
  z.object({
    python: z.string(),
    satisfiable: z.boolean(),
    resolved: z.record(z.string(), z.object({ version: z.string(), file: z.string() })).nullable(),
  }),
);
type PipAnswer = z.infer<typeof pipAnswers>[string];

const folder = sharedData('scenarios');

function loadAnswers(dir: string): Record<string, PipAnswer> {
  return pipAnswers.parse(JSON.parse(readFileSync(join(dir, 'pip-expected.json'), 'utf8')));
}

function loadScenario(path: string): Scenario {
  return scenarioSchema.parse(parse(readFileSync(path, 'utf8')));
}

async function resolveScenario(scenario: Scenario, answer: PipAnswer): Promise<Resolution | NoSolutionError> {
  const target = scenarioTarget(scenario, answer.python);
  const provider = new ScenarioProvider(scenario, target);
  const options = buildOptions(scenario.root.requires ?? [], {
    allowPrereleases: scenario.resolver_options?.prereleases === true,
    python: target.pythonVersion.toString(),
  });
  options.environment = linuxEnvironment(target.interpreterVersion);
  try {
    return await resolve(provider, options);
  } catch (error) {
    if (error instanceof NoSolutionError) return error;
    throw error;
  }
}

describe('packse scenarios against pip', () => {
  if (folder === undefined) {
    it('needs shared/data/scenarios', (t) => t.skip('shared/data/scenarios absent'));
    return;
  }
  const answers = loadAnswers(folder);
  let agree = 0;
  let total = 0;
  after(() => {
    console.log(`packse scenarios: ${agree} of ${total} agree with pip`);
  });
  for (const [path, answer] of Object.entries(answers).sort(([a], [b]) => (a < b ? -1 : 1))) {
    it(path, async () => {
      total++;
      const scenario = loadScenario(join(folder, path));
      const outcome = await resolveScenario(scenario, answer);
      if (!answer.satisfiable) {
        assert.ok(outcome instanceof NoSolutionError, `pip found no solution; we chose ${JSON.stringify(outcome instanceof NoSolutionError ? null : pins(outcome))}`);
      } else {
        assert.ok(!(outcome instanceof NoSolutionError), `pip resolved; we failed: ${outcome instanceof NoSolutionError ? outcome.message : ''}`);
        const expected = Object.fromEntries(
          Object.entries(answer.resolved ?? {}).map(([name, pin]) => [normalizeName(name), pin.version]),
        );
        assert.deepEqual(pins(outcome), expected);
      }
      agree++;
    });
  }
});
