/**
 * From the engine's final state to the packages of the lock. Only pins still reachable from a
 * root requirement count (as resolvelib's `_build_result`): backtracking can leave a pin whose
 * only parent was re-pinned to a version that no longer needs it.
 */
import type { PackageName } from '../pep/names.js';
import type { EngineResult } from './engine.js';
import type { BaseCandidate, Candidate, ExtrasCandidate, NodeRequirement, PackageCandidate } from './model.js';
import type { ConstraintEntry } from './pip-policy.js';
import type { Resolution, ResolvedPackage } from './types.js';

const ROOT = '\u0000root';

function reachableFromRoot(result: EngineResult<NodeRequirement, Candidate>): Set<string> {
  const keyOf = new Map<Candidate, string>();
  for (const [key, candidate] of result.mapping) keyOf.set(candidate, key);
  // children[parentKey] = identifiers whose criterion has a requirement made by that pin.
  const children = new Map<string, string[]>();
  for (const [key, criterion] of result.criteria) {
    for (const information of criterion.information) {
      const parentKey = information.parent === null ? ROOT : keyOf.get(information.parent);
      if (parentKey === undefined) continue;
      const list = children.get(parentKey) ?? [];
      list.push(key);
      children.set(parentKey, list);
    }
  }
  const reached = new Set<string>([ROOT]);
  const queue = [ROOT];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const child of children.get(next) ?? []) {
      if (reached.has(child) || !result.criteria.has(child)) continue;
      reached.add(child);
      queue.push(child);
    }
  }
  reached.delete(ROOT);
  return reached;
}

export function buildResolution(
  result: EngineResult<NodeRequirement, Candidate>,
  constraints: ReadonlyMap<PackageName, ConstraintEntry>,
  missingExtras: ReadonlyMap<PackageCandidate, readonly string[]>,
): Resolution {
  const reached = reachableFromRoot(result);
  const bases = new Map<PackageName, BaseCandidate>();
  const extrasNodes = new Map<PackageName, ExtrasCandidate[]>();
  const via = new Map<PackageName, Set<string>>();
  const pinned = new Set<Candidate>();
  for (const [key, candidate] of result.mapping) {
    if (reached.has(key)) pinned.add(candidate);
  }

  for (const candidate of pinned) {
    if (candidate.kind === 'base') bases.set(candidate.name, candidate);
    else if (candidate.kind === 'extras') extrasNodes.set(candidate.name, [...(extrasNodes.get(candidate.name) ?? []), candidate]);
    if (candidate.kind === 'python') continue;
    const criterion = result.criteria.get(candidate.identifier);
    const reasons = via.get(candidate.name) ?? new Set<string>();
    for (const information of criterion?.information ?? []) {
      const parent = information.parent;
      if (parent === null) {
        const requirement = information.requirement;
        if (requirement.kind !== 'requires-python' && requirement.source !== null) reasons.add(requirement.source);
      } else if (parent.kind !== 'python' && pinned.has(parent) && parent.name !== candidate.name) {
        reasons.add(parent.name);
      }
    }
    via.set(candidate.name, reasons);
  }

  const warnings: string[] = [];
  const packages: ResolvedPackage[] = [];
  for (const [name, base] of [...bases].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const extras = new Set<string>();
    for (const node of extrasNodes.get(name) ?? []) {
      if (node.base !== base) throw new Error(`Assertion failed: ${node.identifier} is pinned apart from ${name}`);
      const missing = missingExtras.get(node) ?? [];
      for (const extra of node.extras) {
        if (missing.includes(extra)) {
          warnings.push(`${name} ${base.version.toString()} does not provide the extra '${extra}'`);
        } else {
          extras.add(extra);
        }
      }
    }
    const reasons = via.get(name) ?? new Set<string>();
    // An empty source is a constraint of this run only (`-P 'name<2'`): it leaves no trace in the lock.
    for (const source of constraints.get(name)?.sources ?? []) if (source !== '') reasons.add(source);
    const resolved: ResolvedPackage = {
      name,
      version: base.version,
      url: base.url,
      extras: [...extras].sort(),
      via: [...reasons].sort(),
      yanked: base.yanked,
    };
    if (base.yanked) {
      if (base.yankedReason !== undefined) resolved.yankedReason = base.yankedReason;
      const reason = base.yankedReason === undefined || base.yankedReason === '' ? '' : ` (reason: ${base.yankedReason})`;
      warnings.push(
        `${name} ${base.version.toString()} is yanked${reason}; it was chosen because it is pinned and every matching version is yanked`,
      );
    }
    packages.push(resolved);
  }
  return { packages, warnings: [...new Set(warnings)] };
}
