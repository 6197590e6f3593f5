import type { ArtifactStoreEvents } from '../download/artifact-store.js';
import type { IndexedFile } from '../package-index/types.js';
import type { TimeoutSettings } from '../http/client.js';
import type { RetryPolicy } from '../http/retry.js';
import type { PackageName } from '../pep/names.js';

export interface LockEvents extends ArtifactStoreEvents {
  onPhase?: (phase: 'resolving' | 'hashing' | 'writing' | 'verifying') => void;
  onPage?: (url: string, status: number) => void;
  /** A stored project page was used without asking the index (fresh by its Cache-Control). */
  onPageFromCache?: (url: string) => void;
  onProject?: (name: PackageName, sources: string[], shadowed: string[]) => void;
  onResolved?: (packages: number, files: number) => void;
  /**
   * Right after onResolved: the files the hashing phase will list (their URLs, and each one's
   * claimed size when the index gives one), so a progress display can count what is left to
   * download. Some may be done already (hashed during resolution, or in the digest cache).
   */
  onFilesToHash?: (files: readonly IndexedFile[]) => void;
  /** Nothing the lock depends on changed: the last run's result stands (until `freshUntil`). */
  onRecalled?: (freshUntil: Date) => void;
  onWarning?: (message: string) => void;
  /** Worth knowing when asked (--verbose), not a problem: e.g. an index that makes the run slow. */
  onNotice?: (message: string) => void;
}

/** Everything that decides what a lock contains, plus how the run behaves. */
export interface LockOptions {
  inputs: string[];
  /** Output path; '-' prints; default: the input's name with `.in` replaced by `.txt`. */
  outputFile?: string | undefined;
  /** requirements.txt or PEP 751 pylock.toml; default: by the output's name (pylock.toml, pylock.NAME.toml). */
  format?: 'requirements-txt' | 'pylock' | undefined;
  indexUrl?: string | undefined;
  extraIndexUrls?: string[] | undefined;
  findLinks?: string[] | undefined;
  /** Constraints files (`-c FILE`, pip's and pip-compile's), read as a `-c` line in an input reads them. */
  constraints?: string[] | undefined;
  noIndex?: boolean | undefined;
  /** 'first-index' (default): a project comes from the first index that has it; 'unsafe-best-match': pip's merge of all indexes. */
  indexStrategy?: 'first-index' | 'unsafe-best-match' | undefined;
  /** --extra: extras of the pyproject.toml / setup.cfg inputs to lock too. */
  extras?: string[] | undefined;
  /** --all-extras: every extra they define. */
  allExtras?: boolean | undefined;
  /** --group: PEP 735 dependency groups of the pyproject.toml inputs to lock too. */
  groups?: string[] | undefined;
  /** Target Python versions (X.Y or X.Y.Z): each with every platform of pythonPlatform and targetPresets. */
  pythonVersion?: string | string[] | undefined;
  pythonPlatform?: string | string[] | undefined;
  /** `PLATFORM@VERSION` pairs (or a bare PLATFORM, taking the versions of pythonVersion). */
  targets?: string[] | undefined;
  /** `--targets`: named platform lists (api/targets.ts TARGET_PRESETS). */
  targetPresets?: 'common' | undefined;
  /** With several targets, lock every file of each pinned version, not only those the targets can install. */
  allFiles?: boolean | undefined;
  pre?: boolean | undefined;
  onlyBinary?: string[] | undefined;
  noBinary?: string[] | undefined;
  /** -U: ignore every pin of the existing lock. */
  upgrade?: boolean | undefined;
  /** -P: free these packages (`name` or `name<2`, a specifier constraining the new pin). */
  upgradePackages?: string[] | undefined;
  dryRun?: boolean | undefined;
  concurrency?: number | undefined;
  /** Digest cache folder; default per platform (see cache/location.ts). */
  cacheDir?: string | undefined;
  /** A CA bundle (PEM file) that verifies the indexes' TLS certificates instead of Node's roots; default PIP_CERT. */
  cert?: string | undefined;
  noCache?: boolean | undefined;
  /** Ask the index for every project page even when a stored copy is still fresh (uv's --refresh). */
  refresh?: boolean | undefined;
  /** Skip PEP 740: no provenance is fetched or verified (the header says so). */
  noVerifyAttestations?: boolean | undefined;
  /** A Sigstore trusted_root.json to verify attestations with; default: the embedded production root. */
  trustedRoot?: string | undefined;
  /** Packages (or ':all:') that must have verified attestations. */
  requireAttestations?: string[] | undefined;
  /** Packages (or ':all:') whose new publisher, or lost attestations, are taken knowingly. */
  acceptPublishers?: string[] | undefined;
  /** Leave out the `# via` comments (pip-compile's --no-annotate). */
  noAnnotate?: boolean | undefined;
  /** `# via` as one comment line per pin ('line') or one line per reason ('split', the default), as pip-compile. */
  annotationStyle?: 'split' | 'line' | undefined;
  /** Write `--index-url` / `--extra-index-url` lines pip obeys (pip-compile's --emit-index-url); never credentials. */
  emitIndexUrl?: boolean | undefined;
  /** Write `--find-links` lines pip obeys (pip-compile's --emit-find-links); paths relative to the lock. */
  emitFindLinks?: boolean | undefined;
  /** Cooldown: a duration (`7d`, `P7D`) or a date; files uploaded after the cutoff are not used. */
  excludeNewer?: string | undefined;
  /** `NAME=DURATION|DATE|false`: per-package cooldowns (false: none for that package). */
  excludeNewerPackages?: string[] | undefined;
  /** Under a cooldown, keep files the index gives no upload time for (they are left out otherwise). */
  excludeNewerAllowUnknown?: boolean | undefined;
  /**
   * What cooldown durations count back from (epoch ms); default now. `check` passes the time
   * recorded in the lock, so the lock it regenerates is the one that was made.
   */
  cooldownReference?: number | undefined;
  cwd?: string | undefined;
  env?: Record<string, string | undefined> | undefined;
  retry?: RetryPolicy | undefined;
  timeouts?: TimeoutSettings | undefined;
  events?: LockEvents | undefined;
}
