/**
 * The resolver: a pure algorithm behind `ResolverProvider` (no IO of its own) that answers what
 * pip 26 answers, because pip installs from our lock.
 *
 * Design, and why:
 * - `engine.ts` ports resolvelib 1.2.1's backtracking with backjumping (the version pip 26.2
 *   vendors) step for step, optimistic backjumping and its rollback included. Whenever several
 *   solutions exist the answer depends on the search order, so only the same search gives the
 *   same pins; PubGrub or a SAT solver would be faster on some graphs and differ on others.
 * - `pip-policy.ts` is pip's provider: candidate order and filtering (pre-releases, yanked,
 *   constraints, direct URLs, lock preferences), `name[extra]` nodes, Requires-Python as a node,
 *   markers per extra, and pip's choice of the next name to pin.
 * - `memo-provider.ts` asks the provider each question once per run; what the search is about to
 *   ask goes out as `ResolverHints` (the read-ahead acts on them).
 * - `unsat-proof.ts` ends searches that resolvelib would drag through 200,000 rounds when a
 *   quick, sound argument shows that no solution exists (it never changes an answer); after a
 *   failed search it also names the root requirement that cannot hold, and why.
 * - `explain.ts` turns a failure into sentences and the same facts as data (`--json`).
 */
export { resolve } from './resolve.js';
export { MemoizedProvider } from './memo-provider.js';
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
  ResolverHints,
  CandidatesResult,
  CandidateVersion,
  DistMetadata,
  ExclusionReason,
} from './provider.js';
