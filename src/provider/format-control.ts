import type { PackageName } from '../pep/names.js';

/**
 * What --only-binary / --no-binary allow, per project. The requirements reader's FormatControl
 * (pip's semantics, including ':all:' and ':none:') satisfies this.
 */
export interface BinaryPolicy {
  allows(name: PackageName, kind: 'wheel' | 'sdist'): boolean;
}

export function allowedFormats(policy: BinaryPolicy, name: PackageName): { wheel: boolean; sdist: boolean } {
  return { wheel: policy.allows(name, 'wheel'), sdist: policy.allows(name, 'sdist') };
}
