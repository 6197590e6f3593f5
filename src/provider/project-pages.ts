/**
 * The page memo of a session: each project's files, read once per run whatever the number of
 * targets, with the release cooldown applied (it depends on upload times, not on the target).
 * Which of those files a target may install is IndexProvider's question, asked per target.
 */
import type { IndexClient } from '../package-index/client.js';
import type { IndexedFile } from '../package-index/types.js';
import type { PackageName } from '../pep/names.js';
import { splitByCutoff, type Cooldown } from './cooldown.js';

export interface ProjectListing {
  /** The files the cooldown keeps (all of them without one). */
  readonly files: readonly IndexedFile[];
  /** The files it leaves out, `unknown` when for want of an upload time. */
  readonly left: readonly { readonly file: IndexedFile; readonly unknown: boolean }[];
  /** Epoch ms; null without a cooldown for this project. */
  readonly cutoff: number | null;
}

export interface ProjectPagesDeps {
  index: IndexClient;
  /** Called once per project page, with the indexes that also had the project (for --verbose and the shadowing warning). */
  onProject?: ((name: PackageName, sources: string[], shadowed: string[]) => void) | undefined;
  /** The release cooldown: files uploaded after its cutoff do not exist here. */
  cooldown?: Cooldown | null | undefined;
  /** Under the cooldown, a source gave no upload times, so its files of `name` were left out. */
  onNoUploadTimes?: ((source: string, name: PackageName) => void) | undefined;
}

export class ProjectPages {
  readonly #deps: ProjectPagesDeps;
  readonly #projects = new Map<PackageName, Promise<ProjectListing | undefined>>();

  constructor(deps: ProjectPagesDeps) {
    this.#deps = deps;
  }

  /** undefined: no index has the project. */
  get(name: PackageName): Promise<ProjectListing | undefined> {
    let pending: Promise<ProjectListing | undefined> | undefined = this.#projects.get(name);
    if (!pending) {
      pending = this.#deps.index.getProject(name).then((page): ProjectListing | undefined => {
        if (page.kind === 'not-found') return undefined;
        this.#deps.onProject?.(name, page.sources, page.shadowed);
        const { cooldown } = this.#deps;
        if (!cooldown) return { files: page.files, left: [], cutoff: null };
        const { kept, left, cutoff } = splitByCutoff(name, page.files, cooldown, (source) => this.#deps.onNoUploadTimes?.(source, name));
        return { files: kept, left, cutoff };
      });
      this.#projects.set(name, pending);
    }
    return pending;
  }
}
