/**
 * Asks the provider each question once per resolution. Backtracking revisits the same names and
 * versions many times; the provider does IO, so every answer (or failure) is kept as a promise.
 * `prefetch*` start a question early without waiting, so that index pages for a candidate's
 * dependencies load in parallel; a failure there surfaces only if the answer is later used.
 */
import type { PackageName } from '../pep/names.js';
import type { Version } from '../pep/version.js';
import type { CandidatesResult, DistMetadata, ResolverProvider } from './provider.js';

export class MemoizedProvider {
  private readonly candidateAnswers = new Map<string, Promise<CandidatesResult>>();
  private readonly metadataAnswers = new Map<string, Promise<DistMetadata>>();

  constructor(private readonly provider: ResolverProvider) {}

  candidates(name: PackageName, url?: string): Promise<CandidatesResult> {
    const key = `${name}\u0000${url ?? ''}`;
    let answer = this.candidateAnswers.get(key);
    if (answer === undefined) {
      answer = url === undefined ? this.provider.getCandidates(name) : this.provider.getCandidates(name, url);
      this.candidateAnswers.set(key, answer);
    }
    return answer;
  }

  metadata(name: PackageName, version: Version, url?: string): Promise<DistMetadata> {
    const key = `${name}\u0000${version.toString()}\u0000${url ?? ''}`;
    let answer = this.metadataAnswers.get(key);
    if (answer === undefined) {
      answer =
        url === undefined ? this.provider.getMetadata(name, version) : this.provider.getMetadata(name, version, url);
      this.metadataAnswers.set(key, answer);
    }
    return answer;
  }

  prefetchCandidates(name: PackageName): void {
    this.candidates(name).catch(() => undefined);
  }

  prefetchMetadata(name: PackageName, version: Version, url?: string): void {
    this.metadata(name, version, url).catch(() => undefined);
  }
}
