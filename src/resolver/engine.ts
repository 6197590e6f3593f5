/**
 * A backtracking resolver with backjumping, step for step the algorithm of resolvelib 1.2.1
 * (`resolvers/resolution.py`), which pip 26 vendors. It knows nothing of Python packaging: a
 * policy object (`EnginePolicy`) says what a requirement matches, what a candidate depends on
 * and which unresolved name to pin next.
 *
 * Why a port and not a different algorithm (PubGrub, SAT): pip consumes our lock, and on graphs
 * with several solutions the answer depends on the search order, including the order in which
 * backtracking drops pins. Only the same search finds the same pins. So the state stack, the
 * optimistic backjumping with its rollback, the order in which criteria are visited and the
 * round limit follow resolvelib exactly; comments point at the places where that matters.
 *
 * The search, in short: each round pins one unsatisfied name (the policy's preferred one) to its
 * first candidate whose dependencies all still have candidates. When none works, the causes of
 * the failure (requirements and their parents) drive a backjump: pins are dropped until one is
 * found whose dependencies touch the causes, that pin's candidate is marked incompatible and the
 * search resumes from the state before it.
 */

export interface RequirementInformation<R, C> {
  readonly requirement: R;
  /** The candidate whose dependency this is; null for a root requirement. */
  readonly parent: C | null;
}

/** What is known about one identifier: who asks for it, what still matches, what failed. */
export interface Criterion<R, C> {
  readonly candidates: readonly C[];
  readonly information: readonly RequirementInformation<R, C>[];
  readonly incompatibilities: readonly C[];
}

/** Compared element by element, lower first (a Python tuple sort key). */
export type PreferenceKey = readonly (number | string)[];

export interface SelectionView<R, C> {
  readonly resolutions: ReadonlyMap<string, C>;
  information(identifier: string): readonly RequirementInformation<R, C>[];
  readonly backtrackCauses: readonly RequirementInformation<R, C>[];
}

export interface EnginePolicy<R, C> {
  identifyRequirement(requirement: R): string;
  identifyCandidate(candidate: C): string;
  /** A non-empty subset of `identifiers` to choose the next pin from. */
  narrowRequirementSelection(identifiers: readonly string[], view: SelectionView<R, C>): readonly string[];
  getPreference(identifier: string, view: SelectionView<R, C>): PreferenceKey;
  /** Candidates, most preferred first, matching every requirement and no incompatibility. */
  findMatches(
    identifier: string,
    requirements: (identifier: string) => readonly R[],
    incompatibilities: (identifier: string) => readonly C[],
  ): Promise<readonly C[]>;
  isSatisfiedBy(requirement: R, candidate: C): boolean;
  /** Must return the same list every time for one candidate (the policy memoises). */
  getDependencies(candidate: C): Promise<readonly R[]>;
}

/** Thrown inside backjumping when the stack runs out; `resolve()` turns it into an outcome. */
class ResolutionImpossible extends Error {
  constructor() {
    super('no resolution satisfies the requirements');
  }
}

interface State<R, C> {
  /** Insertion ordered: the last entry is the latest pin (backjumping relies on it). */
  mapping: Map<string, C>;
  criteria: Map<string, Criterion<R, C>>;
  backtrackCauses: RequirementInformation<R, C>[];
}

export interface EngineResult<R, C> {
  /** Every pin, including ones no longer reachable from the roots. */
  readonly mapping: ReadonlyMap<string, C>;
  readonly criteria: ReadonlyMap<string, Criterion<R, C>>;
}

export type EngineOutcome<R, C> =
  | { readonly kind: 'resolved'; readonly result: EngineResult<R, C> }
  /** The requirements of the last conflict, with the candidates that made them. */
  | { readonly kind: 'impossible'; readonly causes: readonly RequirementInformation<R, C>[] }
  | { readonly kind: 'too-deep'; readonly rounds: number }
  /** The watchdog asked to stop (it found its own reason to give up). */
  | { readonly kind: 'stopped' };

/** Called after every backjump with their count; resolves true to stop the search. */
export type BackjumpWatchdog = (backjumps: number) => Promise<boolean>;

/** resolvelib's share of the remaining rounds spent optimistically before rolling back. */
const OPTIMISTIC_BACKJUMPING_RATIO = 0.1;

function copyState<R, C>(state: State<R, C>): State<R, C> {
  return {
    mapping: new Map(state.mapping),
    criteria: new Map(state.criteria),
    backtrackCauses: [...state.backtrackCauses],
  };
}

function lastEntry<C>(mapping: Map<string, C>): [string, C] | undefined {
  let last: [string, C] | undefined;
  for (const entry of mapping) last = entry;
  return last;
}

export function comparePreference(a: PreferenceKey, b: PreferenceKey): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y || x === undefined || y === undefined) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return a.length - b.length;
}

export class EngineRun<R, C> {
  private states: State<R, C>[] = [];
  private optimisticRatio = OPTIMISTIC_BACKJUMPING_RATIO;
  private savedStates: State<R, C>[] | null = null;
  private backjumps = 0;

  constructor(
    private readonly policy: EnginePolicy<R, C>,
    private readonly watchdog?: BackjumpWatchdog,
  ) {}

  private get state(): State<R, C> {
    const state = this.states[this.states.length - 1];
    if (state === undefined) throw new Error('Assertion failed: resolution has no state');
    return state;
  }

  private pushNewState(): void {
    this.states.push(copyState(this.state));
  }

  /** Adds a requirement; returns the criterion left without candidates when it conflicts. */
  private async addToCriteria(
    criteria: Map<string, Criterion<R, C>>,
    requirement: R,
    parent: C | null,
  ): Promise<Criterion<R, C> | null> {
    const identifier = this.policy.identifyRequirement(requirement);
    const criterion = criteria.get(identifier);
    const incompatibilities = criterion === undefined ? [] : [...criterion.incompatibilities];
    const matches = await this.policy.findMatches(
      identifier,
      (id) => {
        const existing = criteria.get(id)?.information.map((i) => i.requirement) ?? [];
        return id === identifier ? [...existing, requirement] : existing;
      },
      (id) => {
        const existing = criteria.get(id)?.incompatibilities ?? [];
        return id === identifier ? [...existing, ...incompatibilities] : existing;
      },
    );
    const information = [...(criterion?.information ?? []), { requirement, parent }];
    const updated: Criterion<R, C> = { candidates: matches, information, incompatibilities };
    if (matches.length === 0) return updated;
    criteria.set(identifier, updated);
    return null;
  }

  private removeInformationFromCriteria(criteria: Map<string, Criterion<R, C>>, parents: ReadonlySet<string>): void {
    if (parents.size === 0) return;
    for (const [key, criterion] of criteria) {
      criteria.set(key, {
        candidates: criterion.candidates,
        information: criterion.information.filter(
          (i) => i.parent === null || !parents.has(this.policy.identifyCandidate(i.parent)),
        ),
        incompatibilities: criterion.incompatibilities,
      });
    }
  }

  private view(): SelectionView<R, C> {
    const state = this.state;
    return {
      resolutions: state.mapping,
      information: (identifier) => state.criteria.get(identifier)?.information ?? [],
      backtrackCauses: state.backtrackCauses,
    };
  }

  private isCurrentPinSatisfying(name: string, criterion: Criterion<R, C>): boolean {
    const pin = this.state.mapping.get(name);
    if (pin === undefined) return false;
    return criterion.information.every((i) => this.policy.isSatisfiedBy(i.requirement, pin));
  }

  /** The criteria with the candidate's dependencies added, or the first one that conflicts. */
  private async getUpdatedCriteria(
    candidate: C,
  ): Promise<{ criteria: Map<string, Criterion<R, C>> } | { conflict: Criterion<R, C> }> {
    const criteria = new Map(this.state.criteria);
    for (const requirement of await this.policy.getDependencies(candidate)) {
      const conflict = await this.addToCriteria(criteria, requirement, candidate);
      if (conflict !== null) return { conflict };
    }
    return { criteria };
  }

  /** Pins `name` to its first workable candidate; returns the failed criteria when none works. */
  private async attemptToPinCriterion(name: string): Promise<Criterion<R, C>[]> {
    const criterion = this.state.criteria.get(name);
    if (criterion === undefined) throw new Error(`Assertion failed: no criterion for ${name}`);
    const causes: Criterion<R, C>[] = [];
    for (const candidate of criterion.candidates) {
      const updated = await this.getUpdatedCriteria(candidate);
      if ('conflict' in updated) {
        causes.push(updated.conflict);
        continue;
      }
      const satisfied = criterion.information.every((i) => this.policy.isSatisfiedBy(i.requirement, candidate));
      if (!satisfied) throw new Error(`Assertion failed: candidate for ${name} does not satisfy its own criterion`);
      for (const [key, value] of updated.criteria) this.state.criteria.set(key, value);
      // The newest pin goes last: backjumping pops pins in that order.
      this.state.mapping.delete(name);
      this.state.mapping.set(name, candidate);
      return [];
    }
    return causes;
  }

  /** Re-applies the incompatibilities learnt in a dropped state to the state now on top. */
  private async patchCriteria(incompatibilitiesFromBroken: [string, C[]][]): Promise<boolean> {
    for (const [key, incompatibilities] of incompatibilitiesFromBroken) {
      if (incompatibilities.length === 0) continue;
      const criteria = this.state.criteria;
      const criterion = criteria.get(key);
      if (criterion === undefined) continue;
      const matches = await this.policy.findMatches(
        key,
        (id) => criteria.get(id)?.information.map((i) => i.requirement) ?? [],
        (id) => {
          const existing = criteria.get(id)?.incompatibilities ?? [];
          return id === key ? [...existing, ...incompatibilities] : existing;
        },
      );
      if (matches.length === 0) return false;
      incompatibilities.push(...criterion.incompatibilities);
      criteria.set(key, {
        candidates: matches,
        information: [...criterion.information],
        incompatibilities,
      });
    }
    return true;
  }

  private saveState(): void {
    if (this.savedStates === null) this.savedStates = this.states.map(copyState);
  }

  private rollbackStates(): void {
    this.optimisticRatio = 0;
    if (this.savedStates !== null && this.savedStates.length > 0) {
      this.states = this.savedStates;
      this.savedStates = null;
    }
  }

  private get hasSavedStates(): boolean {
    return this.savedStates !== null && this.savedStates.length > 0;
  }

  private async backjump(causes: readonly RequirementInformation<R, C>[]): Promise<boolean> {
    const incompatibleDeps = new Set<string>();
    for (const cause of causes) {
      if (cause.parent !== null) incompatibleDeps.add(this.policy.identifyCandidate(cause.parent));
    }
    for (const cause of causes) incompatibleDeps.add(this.policy.identifyRequirement(cause.requirement));

    while (this.states.length >= 3) {
      // Drop the state that failed to pin.
      this.states.pop();
      let brokenState: State<R, C>;
      let name: string;
      let candidate: C;
      for (;;) {
        const popped = this.states.pop();
        const last = popped === undefined ? undefined : lastEntry(popped.mapping);
        if (popped === undefined || last === undefined) throw new ResolutionImpossible();
        brokenState = popped;
        [name, candidate] = last;
        brokenState.mapping.delete(name);

        // Safe mode (after a failed optimistic run) stops at the first pin not named by the causes.
        if (this.optimisticRatio === 0 && !incompatibleDeps.has(name)) break;
        if (this.optimisticRatio !== 0 && this.savedStates === null && !incompatibleDeps.has(name)) {
          this.saveState();
        }
        const dependencies = await this.policy.getDependencies(candidate);
        if (dependencies.some((d) => incompatibleDeps.has(this.policy.identifyRequirement(d)))) break;
        // Never backjump past the first pin: give the search a chance to recover there.
        if (brokenState.mapping.size === 0) break;
        if (this.states.length <= 1) throw new ResolutionImpossible();
      }

      const incompatibilitiesFromBroken: [string, C[]][] = [...brokenState.criteria].map(
        ([key, criterion]) => [key, [...criterion.incompatibilities]],
      );
      incompatibilitiesFromBroken.push([name, [candidate]]);
      this.pushNewState();
      if (await this.patchCriteria(incompatibilitiesFromBroken)) return true;
      // The state below does not work with what we learnt either: drop it too.
    }
    return false;
  }

  private extractCauses(criteria: readonly Criterion<R, C>[]): RequirementInformation<R, C>[] {
    const seen = new Set<RequirementInformation<R, C>>();
    const causes: RequirementInformation<R, C>[] = [];
    for (const criterion of criteria) {
      for (const information of criterion.information) {
        if (seen.has(information)) continue;
        seen.add(information);
        causes.push(information);
      }
    }
    return causes;
  }

  async resolve(requirements: readonly R[], maxRounds: number): Promise<EngineOutcome<R, C>> {
    if (this.states.length > 0) throw new Error('Assertion failed: an EngineRun runs once');
    this.states = [{ mapping: new Map(), criteria: new Map(), backtrackCauses: [] }];
    for (const requirement of requirements) {
      const conflict = await this.addToCriteria(this.state.criteria, requirement, null);
      if (conflict !== null) return { kind: 'impossible', causes: conflict.information };
    }
    // The root state stays as a sentinel so that the first pin has something to go back to.
    this.pushNewState();

    let optimisticStartRound: number | null = null;
    let optimisticRoundsCutoff: number | null = null;

    for (let round = 0; round < maxRounds; round++) {
      if (this.optimisticRatio !== 0 && this.savedStates !== null) {
        if (optimisticStartRound === null) {
          optimisticStartRound = round;
          optimisticRoundsCutoff = Math.floor((maxRounds - round) * this.optimisticRatio);
          if (optimisticRoundsCutoff <= 0) {
            this.rollbackStates();
            continue;
          }
        } else if (optimisticRoundsCutoff !== null && round - optimisticStartRound >= optimisticRoundsCutoff) {
          this.rollbackStates();
          continue;
        }
      }

      const criteria = this.state.criteria;
      const unsatisfied: string[] = [];
      for (const [key, criterion] of criteria) {
        if (!this.isCurrentPinSatisfying(key, criterion)) unsatisfied.push(key);
      }
      if (unsatisfied.length === 0) {
        return { kind: 'resolved', result: { mapping: this.state.mapping, criteria: this.state.criteria } };
      }

      const unsatisfiedSet = new Set(unsatisfied);
      const satisfiedNames = [...criteria.keys()].filter((key) => !unsatisfiedSet.has(key));

      const narrowed =
        unsatisfied.length > 1 ? this.policy.narrowRequirementSelection(unsatisfied, this.view()) : unsatisfied;
      const first = narrowed[0];
      if (first === undefined) throw new Error('Assertion failed: narrowRequirementSelection returned no names');
      let name = first;
      if (narrowed.length > 1) {
        const view = this.view();
        let best = this.policy.getPreference(name, view);
        for (const identifier of narrowed.slice(1)) {
          const key = this.policy.getPreference(identifier, view);
          if (comparePreference(key, best) < 0) {
            best = key;
            name = identifier;
          }
        }
      }

      const failures = await this.attemptToPinCriterion(name);
      if (failures.length > 0) {
        const causes = this.extractCauses(failures);
        let success = false;
        let failedOptimistic: boolean;
        try {
          success = await this.backjump(causes);
          failedOptimistic = !success && this.optimisticRatio !== 0 && this.hasSavedStates;
        } catch (error) {
          if (!(error instanceof ResolutionImpossible)) throw error;
          if (this.optimisticRatio !== 0 && this.hasSavedStates) failedOptimistic = true;
          else return { kind: 'impossible', causes };
        }
        if (failedOptimistic && this.hasSavedStates) {
          this.rollbackStates();
        } else {
          this.state.backtrackCauses = [...causes];
          if (!success) return { kind: 'impossible', causes };
        }
        this.backjumps++;
        if (this.watchdog !== undefined && (await this.watchdog(this.backjumps))) return { kind: 'stopped' };
      } else {
        // Pins that the new pin's requirements no longer accept stop vouching for their own deps.
        const newlyUnsatisfied = new Set<string>();
        for (const key of satisfiedNames) {
          const criterion = this.state.criteria.get(key);
          if (criterion !== undefined && !this.isCurrentPinSatisfying(key, criterion)) newlyUnsatisfied.add(key);
        }
        this.removeInformationFromCriteria(this.state.criteria, newlyUnsatisfied);
        this.pushNewState();
      }
    }
    return { kind: 'too-deep', rounds: maxRounds };
  }
}
