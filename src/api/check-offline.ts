/**
 * `check --offline`, for hooks that have no network (pre-commit.ci) and must be fast: no request
 * at all. It proves three things from the files alone:
 *
 * 1. the lock is what pin-hashes wrote: its own digest (lock/lock-digest.ts) matches, so no other
 *    tool rewrote the pins under our header and no edit forgot to recompute it (the digest is
 *    not a signature: the online check is the proof against a deliberate forgery);
 * 2. it was made from the inputs as they are now: the fingerprint its header records
 *    (api/inputs-fingerprint.ts) is the fingerprint of the inputs read now, with the options of
 *    the header's command;
 * 3. every direct requirement that applies to a target of the lock has a pin that satisfies it
 *    there (with several targets, on the line whose marker holds on that target).
 *
 * What it cannot prove without the index: that a dependency's new requirements are met, that the
 * index still serves the locked bytes (`check --verify`), that the pins are what a fresh
 * resolution would choose. Online `check` proves those.
 */
import { Marker } from '../pep/markers.js';
import type { PackageName } from '../pep/names.js';
import type { Target } from '../pep/target.js';
import type { InputRequirement } from '../requirements/index.js';
import type { ExistingLock } from '../lock/read.js';
import { digestStatus } from '../lock/lock-digest.js';
import type { LockFormat } from '../lock/model.js';
import { basename } from 'node:path';
import type { CheckResult, Finding } from './check.js';
import { setUpCheck, type CheckOptions } from './check-setup.js';
import { regenerateArgv, regenerateCommand } from './command.js';
import { inputsFingerprint } from './inputs-fingerprint.js';
import type { PreparedRun } from './prepare.js';
import { rootSourceLabel } from './source-labels.js';
import { targetDescription } from './targets.js';

export async function checkOffline(options: CheckOptions): Promise<CheckResult> {
  const setup = await setUpCheck(options);
  const { text, lockFile, existing, run } = setup;
  const name = basename(lockFile);
  const findings = integrityFindings(text, run.format, name, { requireSeal: true });
  const recorded = existing.inputsSha256;
  if (recorded === undefined) {
    findings.push({
      kind: 'lock-unsealed',
      fails: true,
      message: `${name} records no inputs-sha256 line, so what it was made from cannot be compared offline; run the "To update" command in its header once`,
    });
  } else if (recorded !== inputsFingerprint(run)) {
    const changes = requirementFindings(run, existing);
    const annotated = [...existing.pins.values()].some((pin) => (pin.via ?? []).length > 0);
    const unnamed = annotated
      ? ': a requirement, a constraint or an option line changed in a way the pins still satisfy'
      : ' (a requirement removed cannot be named: the lock has no "# via" lines)';
    findings.push({
      kind: 'inputs-changed',
      fails: true,
      message: `${name} was not made from the inputs as they are now (${run.inputs.join(', ')})${changes.length > 0 ? '; what changed:' : unnamed}`,
    });
    findings.push(...changes);
  } else {
    // Same inputs: the pins must still satisfy them (a hand edit that kept the digest is caught above).
    findings.push(...requirementFindings(run, existing).filter((f) => f.kind !== 'requirement-removed'));
  }
  const fails = findings.some((f) => f.fails) || setup.indexDisagreements.length > 0 || setup.trustDisagreements.length > 0;
  return {
    lockFile,
    updateCommand: regenerateCommand(run),
    updateArgv: regenerateArgv(run),
    current: !findings.some((f) => f.fails),
    diff: '',
    findings,
    warnings: [...run.warnings],
    indexes: setup.indexes,
    indexDisagreements: setup.indexDisagreements,
    trustDisagreements: setup.trustDisagreements,
    exitCode: fails ? 1 : 0,
  };
}

/** The lock's own digest against its text. Online, an absent digest is the diff's business; offline it is a finding. */
export function integrityFindings(text: string, format: LockFormat, name: string, { requireSeal = false } = {}): Finding[] {
  const status = digestStatus(text, format);
  if (status.kind === 'sealed') return [];
  if (status.kind === 'absent') return requireSeal ? [unsealed(name)] : [];
  return [
    {
      kind: 'lock-edited',
      fails: true,
      message: `${name} was not written by pin-hashes as it is now: the digest in its header (lock-sha256 ${status.recorded.slice(0, 12)}...) is not the digest of the file (${status.actual.slice(0, 12)}...). ${likelyCause(text)}`,
    },
  ];
}

function unsealed(name: string): Finding {
  return {
    kind: 'lock-unsealed',
    fails: true,
    message: `${name} records no lock-sha256 line (an earlier pin-hashes wrote none, or the line was removed or reformatted), so it cannot be shown to be as pin-hashes wrote it; run the "To update" command in its header once`,
  };
}

/** What a reader acts on: which tool most likely rewrote the file. */
function likelyCause(text: string): string {
  const fix = 'Run the "To update" command in the header and commit the result; the README\'s "Keeping locks fresh with Renovate and Dependabot" shows how to have the bots run pin-hashes.';
  if (/^#\s+(pip-compile|uv pip compile)\b/m.test(text) || /autogenerated by (pip-compile|uv)/.test(text)) {
    return `The body is pip-compile's (or uv's) output, it says so: most likely a bot that keeps pip-compile locks fresh (Dependabot, Renovate) regenerated the pins under pin-hashes' header. ${fix}`;
  }
  return `Most likely another tool rewrote pins under pin-hashes' header (Dependabot or Renovate updating a requirements.txt, pip-compile), or the file was edited by hand. ${fix}`;
}

/** Findings of one requirement on several targets: one finding, naming the targets unless it is all of them. */
function perTargetOnce(found: readonly { finding: Finding; target: string }[], targets: number): Finding[] {
  const grouped = new Map<string, { finding: Finding; where: string[] }>();
  for (const { finding, target } of found) {
    const key = `${finding.kind}\0${finding.message}`;
    const seen = grouped.get(key);
    if (seen) seen.where.push(target);
    else grouped.set(key, { finding, where: [target] });
  }
  return [...grouped.values()].map(({ finding, where }) => (targets === 1 || where.length === targets ? finding : { ...finding, message: `${finding.message} (on ${where.join('; ')})` }));
}

/**
 * The inputs' direct requirements and constraints against the pins, on each target of the lock
 * they apply to (a lock of several targets has a line per target set: the line whose marker
 * holds there must satisfy it), and the pins no input asks for any more.
 */
function requirementFindings(run: PreparedRun, existing: ExistingLock): Finding[] {
  const findings: Finding[] = [];
  const perTarget: { finding: Finding; target: string }[] = [];
  const holds = (marker: Marker | null, target: Target): boolean => {
    try {
      return marker === null || marker.evaluate(target.markerEnvironment, '');
    } catch {
      return true;
    }
  };
  const lines = [...existing.pins.values()].map((pin) => ({ pin, marker: pin.marker === null || pin.marker === undefined ? null : Marker.tryParse(pin.marker) }));
  const asked = new Map<string, Set<PackageName>>();
  const entries: [InputRequirement, boolean][] = [...run.input.requirements.map((r): [InputRequirement, boolean] => [r, false]), ...run.input.constraints.map((r): [InputRequirement, boolean] => [r, true])];
  for (const [r, constraint] of entries) {
    const source = rootSourceLabel(run, r, constraint);
    const names = asked.get(source) ?? new Set<PackageName>();
    names.add(r.requirement.name);
    asked.set(source, names);
    const req = r.requirement;
    const written = `${r.text.trim()} (${source})`;
    for (const target of run.targets) {
      if (!holds(req.marker, target)) continue;
      const where = targetDescription(target);
      const pin = lines.find((line) => line.pin.name === req.name && holds(line.marker, target))?.pin;
      if (pin === undefined) {
        // A constraint bounds a package only when something needs it.
        if (!constraint) perTarget.push({ target: where, finding: { kind: 'requirement-unpinned', fails: true, package: req.name, message: `+ ${written}: the lock has no pin for ${req.name}` } });
        continue;
      }
      const pinned = pin.version === null ? `${req.name} @ ${pin.url ?? '?'}` : `${req.name}==${pin.version.toString()}`;
      const satisfied = req.url !== null ? pin.url !== null : pin.version !== null && req.specifier.contains(pin.version, { prereleases: true });
      if (!satisfied) {
        perTarget.push({ target: where, finding: { kind: 'requirement-unsatisfied', fails: true, package: req.name, version: pin.version?.toString(), message: `~ ${written}: the lock pins ${pinned}` } });
      }
    }
  }
  findings.push(...perTargetOnce(perTarget, run.targets.length));
  // A pin whose reasons name an input source (`-r requirements.in`) that no longer asks for it.
  for (const pin of existing.pins.values()) {
    for (const reason of pin.via ?? []) {
      const names = asked.get(reason);
      const isSource = reason.startsWith('-r ') || reason.startsWith('-c ') || reason.endsWith(')');
      if (!isSource || names?.has(pin.name)) continue;
      const line = `${pin.name}${pin.version === null ? '' : `==${pin.version.toString()}`}${pin.marker ? ` ; ${pin.marker}` : ''}`;
      findings.push({ kind: 'requirement-removed', fails: true, package: pin.name, version: pin.version?.toString(), message: `- ${line}: pinned for ${reason}, which no longer asks for it` });
    }
  }
  return findings;
}
