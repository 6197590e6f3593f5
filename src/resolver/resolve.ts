/**
 * `resolve()`: what current pip (26.x) would install for the requirements, on the target.
 *
 * Design: a port of resolvelib's backtracking-with-backjumping search (`engine.ts`) driven by
 * pip's own policy (`pip-policy.ts`), because pip installs from our lock and a different search
 * (PubGrub, SAT) finds a different answer whenever several exist. The provider is wrapped so each
 * question reaches it once per run (`memo-provider.ts`; pass a MemoizedProvider to share its memo
 * with other askers); what the search will ask next goes out as hints. Everything else is pure.
 */
import { PinHashesError } from '../errors.js';
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import { EngineRun as Engine } from './engine.js';
import { explainNoSolution, explainProof } from './explain.js';
import { MemoizedProvider } from './memo-provider.js';
import { CandidateStore, type NodeRequirement } from './model.js';
import { type ConstraintEntry, PipPolicy } from './pip-policy.js';
import type { ResolverHints, ResolverProvider } from './provider.js';
import { buildResolution } from './result.js';
import { type UnsatProof, UnsatProver } from './unsat-proof.js';
import type { Resolution, ResolveOptions } from './types.js';

/** pip's limit on resolution rounds. */
const MAX_ROUNDS = 200_000;

/**
 * Backjump counts at which to try proving that no resolution exists, with the number of extra
 * versions whose metadata the proof may fetch. Most resolutions never backjump 100 times; those
 * that do are usually hopeless for pip too, and a proof ends them in seconds.
 */
const PROOF_CHECKPOINTS: ReadonlyMap<number, number> = new Map([
  [100, 1_000],
  [1_000, 4_000],
  [10_000, 5_000],
]);

function collectConstraints(options: ResolveOptions): Map<PackageName, ConstraintEntry> {
  const constraints = new Map<PackageName, ConstraintEntry>();
  for (const { requirement, source } of options.constraints) {
    if (requirement.marker !== null && !requirement.marker.evaluate(options.environment, '')) continue;
    const previous = constraints.get(requirement.name);
    const urls = previous?.urls ?? [];
    const sources = previous?.sources ?? [];
    constraints.set(requirement.name, {
      specifier: previous === undefined ? requirement.specifier : previous.specifier.intersect(requirement.specifier),
      urls: requirement.url === null ? urls : [...urls, requirement.url],
      sources: sources.includes(source) ? sources : [...sources, source],
    });
  }
  return constraints;
}

export async function resolve(
  provider: ResolverProvider | MemoizedProvider,
  options: ResolveOptions,
  hints?: ResolverHints,
): Promise<Resolution> {
  const source = MemoizedProvider.of(provider);
  const store = new CandidateStore(options.pythonVersion);
  const constraints = collectConstraints(options);
  const userRequested = new Map<string, number>();
  const preferences: ReadonlyMap<PackageName, Version> = options.preferences ?? new Map();
  const policy = new PipPolicy(source, store, {
    environment: options.environment,
    allowPrereleases: options.allowPrereleases,
    constraints,
    userRequested,
    preferences,
    upgrade: options.upgrade ?? new Set(),
    hints,
  });

  for (const { requirement } of options.requirements) {
    if (requirement.url === null) hints?.candidatesSoon(requirement.name);
  }
  const roots: NodeRequirement[] = [];
  for (const [index, { requirement, source: origin }] of options.requirements.entries()) {
    const nodes = await policy.makeRequirements(requirement, [], origin);
    const first = nodes[0];
    if (first === undefined) continue;
    if (!userRequested.has(first.identifier)) userRequested.set(first.identifier, index);
    roots.push(...nodes);
  }
  // pip puts requirements with extras last, so that `name[x]` sees what is known about `name`.
  const ordered = [
    ...roots.filter((r) => !r.identifier.includes('[')),
    ...roots.filter((r) => r.identifier.includes('[')),
  ];

  const prover = new UnsatProver({
    source,
    roots: ordered,
    constraints,
    environment: options.environment,
    pythonVersion: options.pythonVersion,
  });
  const context = { source, pythonVersion: options.pythonVersion, allowPrereleases: options.allowPrereleases, constraints, prover };
  let proof: UnsatProof | null = null;
  const watchdog = async (backjumps: number): Promise<boolean> => {
    const budget = PROOF_CHECKPOINTS.get(backjumps);
    if (budget === undefined) return false;
    proof = await prover.attempt(budget);
    return proof !== null;
  };
  const outcome = await new Engine(policy, watchdog).resolve(ordered, MAX_ROUNDS);
  switch (outcome.kind) {
    case 'resolved':
      return buildResolution(outcome.result, constraints, policy.missingExtras);
    case 'impossible':
      throw await explainNoSolution(outcome.causes, context);
    case 'stopped':
      if (proof === null) throw new Error('Assertion failed: the search stopped without a proof');
      throw explainProof(proof, context);
    case 'too-deep':
      throw new PinHashesError(
        'RESOLUTION_TOO_COMPLEX',
        `Gave up resolving after ${outcome.rounds} rounds: the requirements leave too many combinations to try.`,
        { exitCode: 1, hint: 'Narrow the ranges of the packages that conflict, or add constraints (-c).' },
      );
  }
}
