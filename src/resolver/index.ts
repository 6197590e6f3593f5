/**
 * The resolver: a pure algorithm behind `ResolverProvider` that answers what pip 26 answers.
 * See `resolve.ts` for the design and `pip-policy.ts` for the policy.
 */
export { resolve } from './resolve.js';
export type { RootRequirement, ResolveOptions, ResolvedPackage, Resolution } from './types.js';
export { NoSolutionError } from './explain.js';
export type {
  NoSolutionExplanation,
  ConflictCause,
  ProjectReport,
  RequiredBy,
  RuledOutReason,
} from './explain.js';
export type {
  ResolverProvider,
  CandidatesResult,
  CandidateVersion,
  DistMetadata,
  ExclusionReason,
} from './provider.js';
