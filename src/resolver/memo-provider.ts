/**
 * The one memo of the resolver's questions: each candidate list and each pin's metadata is asked
 * of the provider once per run, and every later ask (backtracking revisits the same names and
 * versions many times, the read-ahead asks ahead of the resolver) gets the same promise, failure
 * included. The index pages behind the answers are read once by the provider (IndexProvider),
 * which keeps nothing else.
 */
import type { PackageName } from '../pep/names.js';
import { pinKey, type Pin } from '../pin.js';
import type { CandidatesResult, DistMetadata, ResolverProvider } from './provider.js';

export class MemoizedProvider {
  private readonly candidateAnswers = new Map<string, Promise<CandidatesResult>>();
  private readonly metadataAnswers = new Map<string, Promise<DistMetadata>>();

  constructor(private readonly provider: ResolverProvider) {}

  /** A provider already memoized is used as it is, so that everyone shares one memo. */
  static of(provider: ResolverProvider | MemoizedProvider): MemoizedProvider {
    return provider instanceof MemoizedProvider ? provider : new MemoizedProvider(provider);
  }

  candidates(name: PackageName, url?: string): Promise<CandidatesResult> {
    const key = `${name}\u0000${url ?? ''}`;
    let answer = this.candidateAnswers.get(key);
    if (answer === undefined) {
      answer = url === undefined ? this.provider.getCandidates(name) : this.provider.getCandidates(name, url);
      this.candidateAnswers.set(key, answer);
    }
    return answer;
  }

  metadata(pin: Pin): Promise<DistMetadata> {
    const key = pinKey(pin);
    let answer = this.metadataAnswers.get(key);
    if (answer === undefined) {
      answer = this.provider.getMetadata(pin);
      this.metadataAnswers.set(key, answer);
    }
    return answer;
  }
}
