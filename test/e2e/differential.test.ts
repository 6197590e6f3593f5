// Differential test against real pip: seeded random universes (test/helpers/random-universe.ts)
// served on loopback as PEP 503 HTML pages with wheels, resolved by `python3 -m pip install
// --dry-run --report` (pip 23.2.1 on this machine, isolated) and by the pin-hashes CLI for the
// same interpreter. Per seed:
//
// - both must agree that a solution exists or not;
// - when both find one and the pins differ (several solutions exist and pip 23's resolvelib
//   1.0 searches in another order than pip 26's 1.2, which we follow), pip must accept ours:
//   resolving the same requirements with our pins as constraints must succeed and install
//   exactly our pins, no package more or less;
// - a yanked pin is only acceptable when some requirement on it pins `==`.
//
// Where pip 23 and current pip differ we follow current pip, and the seed is counted under the
// reason:
// - pre-release fallback (PROTOCOLS.md Appendix B): when no final release matches a non-empty
//   specifier, current pip (newer packaging) takes a matching pre-release; pip 23 finds nothing.
//   Such a lock is checked through the acceptance run only (our pin, as a constraint, names the
//   pre-release, so pip 23 may take it);
// - backjumping: resolvelib 1.0 (pip 23 and 24) can jump past the decision that had to change
//   and report no solution where one exists (sarugaku/resolvelib#134, fixed by #155 in 1.1).
//   When pip 23 says "no solution" and accepts our pins as constraints, the solution exists;
// - extra names (Appendix B): pip 23 matches them exactly, current pip normalizes (PEP 685).
//   The generator writes every extra in its normalized spelling, so the difference never shows.
//
// Per target: for the seeds up to MULTI_TARGET_SEEDS where pip and we agree outright, the same
// case is also locked for two targets at once, Linux then Windows (the universes' markers name
// sys_platform, platform_machine, platform_system...). The Linux lines of that lock must be the
// one-target lock's pins exactly (the first target resolves as if alone); the Windows lines are
// judged like the host's, by pip deciding as on Windows (test/helpers/pip-target.ts): the same
// pins, or pins pip accepts as constraints; no solution for Windows must be no solution for pip.
//
// Seeds: the default runs 1-220 and REGRESSION_SEEDS; PIN_HASHES_DIFF_SEEDS="1-2000" (or
// "17,42") runs others. PIN_HASHES_PIP_PYTHON=/path/to/venv/bin/python judges with another pip:
// against pip 26.2.1 (resolvelib 1.2.1), seeds 1-600 gave the same pins (313) or both "no
// solution" (285) on every seed but two, where pip 26 crashed with a RecursionError (185, 438).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { normalizeName } from '../helpers/dists.js';
import { startIndexServer } from '../helpers/index-server.js';
import { lockedPins } from '../helpers/lock-pins.js';
import { pipInfo, pipPython, pipResolve, type PipInfo, type PipResolution } from '../helpers/pip-report.js';
import { pipDryRunOn } from '../helpers/pip-target.js';
import { Marker } from '../../src/pep/markers.js';
import { parsePythonPlatform } from '../../src/pep/tags.js';
import { makeTarget, type Target } from '../../src/pep/target.js';
import { caseProjects, describeCase, generateCase, type GeneratedCase } from '../helpers/random-universe.js';

/**
 * Seeds kept whatever range runs (the generator must stay stable for them to mean anything).
 * None ever disagreed with current pip; these are where pip 23 and we part ways for a named
 * reason, or where pip 26.2.1 crashes (RecursionError) while a solution exists:
 * 35, 103 pre-release fallback; 51, 129, 145 resolvelib 1.0 backjumping; 115, 179, 185, 438
 * other pins that pip 23 accepts (185 and 438 are also the pip 26 crashes).
 */
const REGRESSION_SEEDS: readonly number[] = [35, 51, 103, 115, 129, 145, 179, 185, 438];

const DEFAULT_SEEDS = { from: 1, to: 220 };

/** Seeds up to this one are also locked for two targets (see the file comment). */
const MULTI_TARGET_SEEDS = 40;

/** Seeds at once: each runs pip and our CLI side by side, then maybe pip again, so at most 2 pips. */
const CONCURRENCY = 2;

function seedsToRun(): number[] {
  const text = process.env['PIN_HASHES_DIFF_SEEDS'];
  const seeds = new Set<number>(REGRESSION_SEEDS);
  if (text === undefined || text.trim() === '') {
    for (let seed = DEFAULT_SEEDS.from; seed <= DEFAULT_SEEDS.to; seed++) seeds.add(seed);
  } else {
    for (const part of text.split(',')) {
      const [from, to] = part.split('-').map((s) => Number(s.trim()));
      if (from === undefined || !Number.isInteger(from)) throw new Error(`Assertion failed: bad seed list ${text}`);
      for (let seed = from; seed <= (to ?? from); seed++) seeds.add(seed);
    }
  }
  return [...seeds].sort((a, b) => a - b);
}

type Outcome =
  | 'same pins'
  | 'other pins, accepted by pip'
  | 'both unsatisfiable'
  | typeof PRERELEASE_FALLBACK
  | typeof OLD_BACKJUMPING
  | typeof PIP_CRASHED;

const PRERELEASE_FALLBACK = 'pre-release fallback (pip 23 has none for a non-empty specifier; current pip does), pins accepted by pip';
const OLD_BACKJUMPING =
  "no solution from pip where one exists (resolvelib 1.0's backjumping, sarugaku/resolvelib#134), our pins accepted by pip";
const PIP_CRASHED = 'not compared: pip crashed (RecursionError)';

/** resolvelib before 1.1 can backjump past the decision that had to change (fixed by resolvelib#155). */
function hasOldBackjumping(resolvelib: string): boolean {
  const [major = 0, minor = 0] = resolvelib.split('.').map(Number);
  return major < 1 || (major === 1 && minor < 1);
}

/** Every requirement text in the case that names `name`: roots, constraints and the Requires-Dist of the pins. */
function requirementsOn(name: string, generated: GeneratedCase, pins: Record<string, string>): string[] {
  const texts = [...generated.requirements, ...generated.constraints];
  for (const project of generated.projects) {
    const pinned = pins[normalizeName(project.name)];
    if (pinned === undefined) continue;
    texts.push(...(project.versions[pinned]?.requiresDist ?? []));
  }
  return texts.filter((text) => normalizeName(/^[A-Za-z0-9._-]+/.exec(text)?.[0] ?? '') === name);
}

/** The specifier part of a requirement text: after the name and extras, before the marker. */
function specifierOf(text: string): string {
  return (text.split(';')[0] ?? '').replace(/^[A-Za-z0-9._-]+(\[[^\]]*\])?/, '').trim();
}

const PRE_RELEASE = /\d(a|b|rc|\.dev)\d/;

/** packaging 21.3 (pip 23): only `==`, `>=`, `<=`, `~=` and `===` on a pre-release let pre-releases in. */
function namesPrerelease(specifier: string): boolean {
  return specifier.split(',').some((clause) => {
    const match = /^\s*(===|==|>=|<=|~=)\s*(\S+?)(\.\*)?\s*$/.exec(clause);
    return match?.[2] !== undefined && PRE_RELEASE.test(match[2]);
  });
}

/**
 * Pins pip 23 could never choose because it lacks the pre-release fallback: a pre-release
 * without --pre where every requirement on the name has a specifier and none lets pre-releases in.
 */
function fallbackPrereleases(generated: GeneratedCase, pins: Record<string, string>): string[] {
  if (generated.pre) return [];
  return Object.entries(pins)
    .filter(([name, version]) => {
      if (!PRE_RELEASE.test(version)) return false;
      const specifiers = requirementsOn(name, generated, pins).map(specifierOf);
      return specifiers.length > 0 && specifiers.every((s) => s !== '' && !namesPrerelease(s));
    })
    .map(([name, version]) => `${name}==${version}`);
}

/** Yanked pins with no `==` requirement on them anywhere: pip would never have picked them. */
function unpinnedYanked(generated: GeneratedCase, pins: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const project of generated.projects) {
    const name = normalizeName(project.name);
    const version = pins[name];
    if (version === undefined || project.versions[version]?.yanked !== true) continue;
    const pinnedSomewhere = requirementsOn(name, generated, pins).some((t) =>
      specifierOf(t)
        .split(',')
        .some((clause) => /^\s*===?\s*[^*\s]+\s*$/.test(clause)),
    );
    if (!pinnedSomewhere) bad.push(`${name}==${version}`);
  }
  return bad;
}

function formatPins(pins: Record<string, string>): string {
  const entries = Object.entries(pins).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? '(nothing)' : entries.map(([n, v]) => `${n}==${v}`).join(' ');
}

function describePip(result: PipResolution): string {
  return result.kind === 'resolved' ? formatPins(result.pins) : `${result.kind}: ${result.output.trim().split('\n').slice(-4).join(' / ')}`;
}

type TargetOutcome = 'windows: same pins' | 'windows: other pins, accepted by pip' | 'windows: both unsatisfiable';

interface SeedRun {
  seed: number;
  generated: GeneratedCase;
  serverUrl: string;
  dir: string;
  pre: string[];
  judge: PipInfo;
}

/** The lines of a lock whose markers hold on `env`, as pins. */
function pinsOn(lock: string, env: Target['markerEnvironment']): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const line of lock.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;]+)(?: ; (.*?))?(?: \\)?$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    if (match[3] === undefined || Marker.parse(match[3]).evaluate(env)) pins[normalizeName(match[1])] = match[2];
  }
  return pins;
}

/** The case locked for Linux and Windows at once, each target's lines judged (see the file comment). */
async function runOnTargets(run: SeedRun, alone: Record<string, string> | null): Promise<TargetOutcome> {
  const { generated, serverUrl, dir, pre, judge } = run;
  const linux = makeTarget(judge.python, parsePythonPlatform('linux'));
  const windows = makeTarget(judge.python, parsePythonPlatform('windows'));
  const cli = await runCli(
    ['lock', 'requirements.in', '-i', serverUrl, '-o', 'targets.txt', '-q', '--target', `linux@${judge.python}`, '--target', `windows@${judge.python}`, ...pre],
    { cwd: dir },
  );
  const pipArgs = ['-r', join(dir, 'requirements.in'), '--index-url', serverUrl, ...pre];
  const pip = await pipDryRunOn(pipPython, windows, pipArgs, join(dir, 'windows.json'));
  const context = (): string => `\n${describeCase(generated)}\npip on Windows: ${pip.code === 0 ? formatPins(pip.installs) : pip.output.trim().split('\n').slice(-3).join(' / ')}`;
  if (pip.code !== 0) assert.match(pip.output, NO_SOLUTION_WORDS, `pip on Windows failed to run${context()}`);
  if (alone === null || cli.code === 1) {
    assert.equal(cli.code, 1, `no solution alone, but one for two targets${context()}`);
    if (alone !== null) {
      assert.match(cli.stderr, /For CPython [\d.]+ on x86_64-pc-windows-msvc: /, `the error names the Windows target${context()}`);
      assert.notEqual(pip.code, 0, `pip on Windows found a solution, pin-hashes did not: ${cli.stderr.trim()}${context()}`);
    }
    return 'windows: both unsatisfiable';
  }
  assert.equal(cli.code, 0, cli.stderr);
  const lock = await readFile(join(dir, 'targets.txt'), 'utf8');
  assert.deepEqual(pinsOn(lock, linux.markerEnvironment), alone, `the first target's lines are its lone lock${context()}`);
  const ours = pinsOn(lock, windows.markerEnvironment);
  const ourContext = (): string => `${context()}\npin-hashes on Windows: ${formatPins(ours)}`;
  assert.equal(pip.code, 0, `pip on Windows found no solution, pin-hashes did${ourContext()}`);
  if (JSON.stringify(Object.entries(pip.installs).sort()) === JSON.stringify(Object.entries(ours).sort())) return 'windows: same pins';
  await writeFile(join(dir, 'ours-windows.txt'), Object.entries(ours).map(([n, v]) => `${n}==${v}\n`).join(''));
  const accepted = await pipDryRunOn(pipPython, windows, [...pipArgs, '-c', join(dir, 'ours-windows.txt')], join(dir, 'accepted-windows.json'));
  assert.equal(accepted.code, 0, `pip on Windows rejects our pins: ${accepted.output.slice(-2000)}${ourContext()}`);
  assert.deepEqual(accepted.installs, ours, `pip on Windows, constrained to our pins, installs other packages${ourContext()}`);
  return 'windows: other pins, accepted by pip';
}

const NO_SOLUTION_WORDS = /ResolutionImpossible|No matching distribution found|conflicting dependencies|requires a different Python/;

async function runSeed(seed: number, judge: PipInfo, onTargets: (outcome: TargetOutcome) => void): Promise<Outcome> {
  const generated = generateCase(seed);
  const server = await startIndexServer({ projects: caseProjects(generated), format: 'html' });
  const dir = await mkdtemp(join(tmpdir(), `pin-hashes-diff-${seed}-`));
  try {
    const requirementsIn = [...generated.requirements];
    if (generated.constraints.length > 0) {
      await writeFile(join(dir, 'constraints.txt'), generated.constraints.join('\n') + '\n');
      requirementsIn.unshift('-c constraints.txt');
    }
    await writeFile(join(dir, 'requirements.in'), requirementsIn.join('\n') + '\n');
    const pre = generated.pre ? ['--pre'] : [];
    const pipArgs = ['-r', 'requirements.in', '--index-url', server.url, ...pre];
    // pip and our CLI run side by side: at most CONCURRENCY pip processes at once all the same.
    const [pip, cli] = await Promise.all([
      pipResolve(pipArgs, dir, join(dir, 'report.json')),
      runCli(['lock', 'requirements.in', '-i', server.url, '-o', 'requirements.txt', '-q', '--python-version', judge.python, ...pre], {
        cwd: dir,
      }),
    ]);
    const context = (): string => `\n${describeCase(generated)}\npip: ${describePip(pip)}`;
    if (pip.kind === 'failed') {
      if (pip.output.includes('RecursionError')) return PIP_CRASHED;
      assert.fail(`pip failed to run${context()}`);
    }

    assert.ok(cli.code === 0 || cli.code === 1, `pin-hashes exited ${String(cli.code)}: ${cli.stderr}${context()}`);
    const run: SeedRun = { seed, generated, serverUrl: server.url, dir, pre, judge };
    if (cli.code === 1) {
      assert.match(cli.stderr, /^error: /m);
      assert.equal(pip.kind, 'no-solution', `pip found a solution, pin-hashes did not: ${cli.stderr.trim()}${context()}`);
      if (seed <= MULTI_TARGET_SEEDS) onTargets(await runOnTargets(run, null));
      return 'both unsatisfiable';
    }
    const ours = lockedPins(await readFile(join(dir, 'requirements.txt'), 'utf8'));
    const ourContext = (): string => `${context()}\npin-hashes: ${formatPins(ours)}`;
    assert.deepEqual(unpinnedYanked(generated, ours), [], `a yanked version was pinned without an == requirement${ourContext()}`);
    const fallback = fallbackPrereleases(generated, ours);
    if (pip.kind === 'no-solution') {
      assert.ok(fallback.length > 0 || hasOldBackjumping(judge.resolvelib), `pip found no solution, pin-hashes did${ourContext()}`);
    } else if (JSON.stringify(Object.entries(pip.pins).sort()) === JSON.stringify(Object.entries(ours).sort())) {
      if (seed <= MULTI_TARGET_SEEDS) onTargets(await runOnTargets(run, ours));
      return 'same pins';
    }

    // pip must accept our pins: the same request constrained to them installs exactly them.
    await writeFile(join(dir, 'ours.txt'), Object.entries(ours).map(([n, v]) => `${n}==${v}\n`).join(''));
    const accepted = await pipResolve([...pipArgs, '-c', 'ours.txt'], dir, join(dir, 'accepted.json'));
    assert.equal(accepted.kind, 'resolved', `pip rejects our pins: ${describePip(accepted)}${ourContext()}`);
    if (accepted.kind === 'resolved') {
      assert.deepEqual(accepted.pins, ours, `pip, constrained to our pins, installs other packages${ourContext()}`);
    }
    if (fallback.length > 0) return PRERELEASE_FALLBACK;
    return pip.kind === 'no-solution' ? OLD_BACKJUMPING : 'other pins, accepted by pip';
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('differential test against real pip on seeded random universes', { concurrency: CONCURRENCY }, () => {
  const judge = pipInfo();
  if (judge === null) {
    it('needs python3 -m pip', (t) => t.skip('python3 -m pip is not available: differential test skipped'));
    return;
  }
  const { pip: version, python } = judge;
  const outcomes = new Map<string, number[]>();
  const targetOutcomes = new Map<string, number>();
  const failed: number[] = [];
  after(() => {
    const total = [...outcomes.values()].reduce((n, seeds) => n + seeds.length, 0) + failed.length;
    console.log(`differential vs pip ${version} (resolvelib ${judge.resolvelib}, Python ${python}): ${total - failed.length} of ${total} seeds agree`);
    for (const [outcome, seeds] of [...outcomes].sort()) {
      const listed = outcome === 'same pins' || outcome === 'both unsatisfiable' ? '' : ` (seeds ${seeds.sort((a, b) => a - b).join(', ')})`;
      console.log(`  ${seeds.length} ${outcome}${listed}`);
    }
    if (failed.length > 0) console.log(`  disagreeing seeds: ${failed.sort((a, b) => a - b).join(', ')}`);
    const perTarget = [...targetOutcomes.values()].reduce((a, b) => a + b, 0);
    console.log(`  locked for Linux and Windows at once: ${perTarget} seeds`);
    for (const [outcome, count] of [...targetOutcomes].sort()) console.log(`    ${count} ${outcome}`);
  });
  for (const seed of seedsToRun()) {
    it(`seed ${seed}`, async () => {
      try {
        const outcome = await runSeed(seed, judge, (per) => targetOutcomes.set(per, (targetOutcomes.get(per) ?? 0) + 1));
        outcomes.set(outcome, [...(outcomes.get(outcome) ?? []), seed]);
      } catch (error) {
        failed.push(seed);
        throw error;
      }
    });
  }
});
