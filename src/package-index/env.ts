/**
 * pip's index settings from the environment, honoured as pip-compile honours them (pip reads
 * `PIP_<OPTION>` as the default of each option): `PIP_INDEX_URL` is the default of `--index-url`,
 * `PIP_EXTRA_INDEX_URL` a whitespace-separated list that comes before any `--extra-index-url`
 * given on the command line (optparse appends to the default list).
 *
 * Why honour them: CI systems set PIP_INDEX_URL (often with a token) for every Python tool, and a
 * pip-compile user moving to pin-hashes expects the same private index to be used. Why only these
 * two and never pip's configuration files: a lock must not depend on invisible machine settings
 * (this project's machines have a pip.conf that adds local mirrors), and the variables are as
 * visible as flags in a CI definition. The indexes actually used are recorded in the lock header
 * (credentials stripped), so the choice is never silent.
 *
 * Precedence, highest first: command-line flags, the input files' own `-i`/`--extra-index-url`
 * lines, these variables, the default index.
 */
export interface EnvIndexSettings {
  indexUrl: string | undefined;
  extraIndexUrls: string[];
}

export const INDEX_URL_VAR = 'PIP_INDEX_URL';
export const EXTRA_INDEX_URL_VAR = 'PIP_EXTRA_INDEX_URL';

export function indexSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): EnvIndexSettings {
  const primary = env[INDEX_URL_VAR]?.trim();
  const extras = (env[EXTRA_INDEX_URL_VAR] ?? '').split(/\s+/).filter((url) => url !== '');
  return { indexUrl: primary === undefined || primary === '' ? undefined : primary, extraIndexUrls: extras };
}
