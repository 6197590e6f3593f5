// A packse scenario (shared/data/scenarios, FORMAT.md) turned into what pip saw when
// pip-expected.json was made (README there): every version one py3-none-any wheel, copied under
// each `wheel_tags` filename, plus an sdist with a static pyproject.toml; Requires-Python
// (default ">=3.12") in the metadata and on the PEP 503 page; yanked versions flagged. Also the
// pin-hashes command line for the scenario's target.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { z } from 'zod';
import { buildSdist, buildWheel, normalizeName, wheelFilename, type DistSpec } from './dists.js';
import type { IndexFile, IndexProject } from './universe.js';

export const scenarioVersion = z.object({
  requires: z.array(z.string()).optional(),
  extras: z.record(z.string(), z.array(z.string())).optional(),
  requires_python: z.string().optional(),
  sdist: z.boolean().optional(),
  wheel: z.boolean().optional(),
  wheel_tags: z.array(z.string()).optional(),
  yanked: z.boolean().optional(),
});

export type ScenarioVersion = z.infer<typeof scenarioVersion>;

/** The fields of FORMAT.md a pip-style harness reads (others are ignored). */
export const scenarioSchema = z.object({
  name: z.string(),
  root: z.object({ requires: z.array(z.string()).optional() }),
  packages: z.record(z.string(), z.object({ versions: z.record(z.string(), scenarioVersion) })),
  environment: z.object({ python: z.string().optional() }).optional(),
  resolver_options: z
    .object({
      prereleases: z.boolean().optional(),
      no_build: z.array(z.string()).optional(),
      no_binary: z.array(z.string()).optional(),
      python: z.string().optional(),
      python_platform: z.string().optional(),
      universal: z.boolean().optional(),
    })
    .optional(),
});
export type Scenario = z.infer<typeof scenarioSchema>;

/** pip-expected.json: what pip chose for each single-environment scenario. */
export const pipAnswersSchema = z.record(
  z.string(),
  z.object({
    python: z.string(),
    satisfiable: z.boolean(),
    resolved: z.record(z.string(), z.object({ version: z.string(), file: z.string() })).nullable(),
  }),
);
export type PipAnswer = z.infer<typeof pipAnswersSchema>[string];

export function loadScenario(path: string): Scenario {
  return scenarioSchema.parse(parse(readFileSync(path, 'utf8')));
}

export function loadPipAnswers(path: string): Record<string, PipAnswer> {
  return pipAnswersSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const DEFAULT_REQUIRES_PYTHON = '>=3.12';

/** The interpreters that produced pip-expected.json (README's table). */
const INTERPRETERS: Readonly<Record<string, string>> = {
  '3.9': '3.9.18',
  '3.10': '3.10.13',
  '3.11': '3.11.7',
  '3.12': '3.12.1',
  '3.13': '3.13.0',
};

/** packse's "x86_64-manylinux2014"-style names to ours; pip ran on x86_64 Linux, glibc 2.36. */
const DEFAULT_PLATFORM = 'x86_64-manylinux_2_36';

/** `req ; extra == "x"`, keeping a marker the requirement already has. */
function withExtraMarker(requirement: string, extra: string): string {
  const semi = requirement.indexOf(';');
  if (semi === -1) return `${requirement} ; extra == "${extra}"`;
  return `${requirement.slice(0, semi).trim()} ; (${requirement.slice(semi + 1).trim()}) and extra == "${extra}"`;
}

/** Every file the scenario's index serves, project by project. */
export function scenarioProjects(scenario: Scenario): IndexProject[] {
  return Object.entries(scenario.packages).map(([name, { versions }]) => {
    const files: IndexFile[] = [];
    for (const [version, data] of Object.entries(versions)) {
      const requiresDist = [...(data.requires ?? [])];
      for (const [extra, requirements] of Object.entries(data.extras ?? {})) {
        for (const requirement of requirements) requiresDist.push(withExtraMarker(requirement, extra));
      }
      const requiresPython = data.requires_python ?? DEFAULT_REQUIRES_PYTHON;
      const spec: DistSpec = {
        name,
        version,
        requiresDist,
        providesExtra: Object.keys(data.extras ?? {}),
        metadataVersion: '2.1',
      };
      if (requiresPython !== '') spec.requiresPython = requiresPython;
      const common: Omit<IndexFile, 'filename' | 'bytes'> = { version };
      if (requiresPython !== '') common.requiresPython = requiresPython;
      if (data.yanked === true) common.yanked = true;

      if (data.wheel !== false) {
        // packse builds the universal wheel once and copies its bytes under each tag's filename.
        const universal = buildWheel(spec);
        const tags = data.wheel_tags === undefined || data.wheel_tags.length === 0 ? ['py3-none-any'] : data.wheel_tags;
        for (const tag of tags) files.push({ ...common, filename: wheelFilename(name, version, tag), bytes: universal.bytes });
      }
      if (data.sdist !== false) {
        const sdist = buildSdist(spec);
        files.push({ ...common, filename: sdist.filename, bytes: sdist.bytes });
      }
    }
    return { name: normalizeName(name), files };
  });
}

/** What pip was asked for: the `lock` flags that describe the same target and options. */
export interface ScenarioTarget {
  /** Full version pip checked Requires-Python against. */
  pythonVersion: string;
  platform: string;
  args: string[];
}

export function scenarioTarget(scenario: Scenario, answerPython: string): ScenarioTarget {
  const options = scenario.resolver_options ?? {};
  const override = options.python;
  // pip's --python-version X.Y compares Requires-Python with X.Y (= X.Y.0).
  const pythonVersion =
    override === undefined ? (INTERPRETERS[answerPython] ?? answerPython) : override.split('.').length === 2 ? `${override}.0` : override;
  const platform = options.python_platform ?? DEFAULT_PLATFORM;
  const args = ['--python-version', pythonVersion, '--python-platform', platform];
  // pip refuses --python-version / --platform without --only-binary :all:, so its answers there are binary-only.
  if (override !== undefined || options.python_platform !== undefined) args.push('--only-binary', ':all:');
  if (options.prereleases === true) args.push('--pre');
  for (const name of options.no_build ?? []) args.push('--only-binary', name);
  for (const name of options.no_binary ?? []) args.push('--no-binary', name);
  return { pythonVersion, platform, args };
}

/** The root requirements as a requirements.in. */
export function scenarioRequirementsIn(scenario: Scenario): string {
  return (scenario.root.requires ?? []).join('\n') + '\n';
}
