/**
 * How a direct reference (`name @ url`) is written in the lock. The lock is committed and shared,
 * and pip expands `${NAME}` in requirements files itself (req_file.expand_env_variables, on the
 * whole line, `--hash` options included), so every value the input expanded from `${NAME}` is
 * written back as `${NAME}`: the lock installs in the same environment and holds no token.
 * Userinfo stays only when it is made of such placeholders; any other is dropped, as it is from
 * the header's index URLs (pip then takes credentials from netrc or keyring, as we do).
 */
import { restorePlaceholders, stripCredentials, userinfoOf } from '../http/redact.js';

const PLACEHOLDER = '\\$\\{[A-Z0-9_]+\\}';
const PLACEHOLDERS_ONLY = new RegExp(`^(?:${PLACEHOLDER})?(?::(?:${PLACEHOLDER})?)?$`);

export function lockedDirectUrl(url: string): string {
  const written = restorePlaceholders(url);
  const userinfo = userinfoOf(written);
  if (userinfo !== undefined && userinfo !== '' && userinfo !== ':' && PLACEHOLDERS_ONLY.test(userinfo)) return written;
  return stripCredentials(written);
}
