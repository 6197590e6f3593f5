// The action's run step (action.yml): runs pin-hashes in the mode the workflow asked for.
//
// The inputs arrive as environment variables (PH_MODE, PH_LOCK, PH_ARGS, PH_WORKING_DIRECTORY),
// never pasted into a script, and each list is split on whitespace into separate arguments: no
// shell ever reads them. pin-hashes' own output (package names, URLs and diffs an index chose)
// is printed with the runner's workflow commands stopped, so a line in it that looks like
// `::error::` or `::add-mask::` is only text.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODES = ['verify', 'offline', 'relock-diff', 'lock'];
const DEFAULT_LOCK = 'requirements.txt';

/** Workflow commands, escaped as the runner reads them (a value cannot end the command early). */
function escapeData(text) {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function annotate(level, message, file) {
  const where = file ? ` file=${escapeData(file).replace(/:/g, '%3A').replace(/,/g, '%2C')}` : '';
  writeSync(1, `::${level}${where}::${escapeData(message)}\n`);
}

function words(value) {
  return (value ?? '').split(/\s+/).filter((word) => word !== '');
}

/** Runs the CLI with the runner's workflow commands stopped for its output; returns its exit code. */
function pinHashes(cli, args, cwd) {
  const token = randomUUID();
  writeSync(1, `::stop-commands::${token}\n`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, stdio: 'inherit' });
  writeSync(1, `::${token}::\n`);
  if (result.error) {
    annotate('error', `pin-hashes could not be started: ${result.error.message}`);
    return 2;
  }
  return result.status ?? 2;
}

/** 2 (the tool could not do its job) over 1 (you must act) over 0. */
function worst(codes) {
  return codes.includes(2) ? 2 : codes.find((code) => code !== 0) ?? 0;
}

function check(cli, flag, locks, extra, cwd) {
  const targets = locks.length > 0 ? locks : [undefined];
  const codes = targets.map((lock) => {
    const code = pinHashes(cli, ['check', flag, ...extra, ...(lock ? [lock] : [])], cwd);
    const name = lock ?? DEFAULT_LOCK;
    if (code === 1) annotate('error', `${name}: pin-hashes check ${flag} failed; its findings and diff are in the log above. Run the "To update" command in the lock's header and commit the result, or do not merge a lock nobody re-made.`, name);
    if (code === 2) annotate('error', `${name}: pin-hashes check ${flag} could not do its job (exit 2); the log above says why.`, name);
    return code;
  });
  return worst(codes);
}

/** `pin-hashes lock`, then (relock-diff) exit 1 when it changed any of the locks. */
function relock(cli, locks, extra, cwd, failOnChange) {
  const watched = (locks.length > 0 ? locks : [DEFAULT_LOCK]).map((lock) => resolve(cwd, lock));
  const before = watched.map((path) => (existsSync(path) ? readFileSync(path) : undefined));
  const code = pinHashes(cli, ['lock', ...extra], cwd);
  if (code !== 0) {
    annotate('error', `pin-hashes lock failed (exit ${code}); the log above says why.`);
    return code;
  }
  if (!failOnChange) return 0;
  const changed = watched.filter((path, i) => {
    const now = existsSync(path) ? readFileSync(path) : undefined;
    return before[i] === undefined || now === undefined || !before[i].equals(now);
  });
  for (const path of changed) showChange(path, before[watched.indexOf(path)], cwd);
  return changed.length > 0 ? 1 : 0;
}

function showChange(path, old, cwd) {
  const name = relative(cwd, path);
  if (old === undefined) {
    annotate('error', `${name} did not exist before \`pin-hashes lock\` wrote it: commit the lock.`, name);
    return;
  }
  // The diff, with git (on every GitHub runner); the lock is rewritten in the working tree either way.
  const dir = mkdtempSync(join(tmpdir(), 'pin-hashes-action-'));
  try {
    const copy = join(dir, `${basename(path)} (before pin-hashes lock)`);
    writeFileSync(copy, old);
    const token = randomUUID();
    writeSync(1, `::stop-commands::${token}\n`);
    spawnSync('git', ['diff', '--no-index', '--no-color', '--', copy, path], { cwd, stdio: 'inherit' });
    writeSync(1, `::${token}::\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  annotate('error', `${name} is not what \`pin-hashes lock\` writes from its inputs now (diff above): run it and commit the result.`, name);
}

export function main(env = process.env) {
  const mode = (env.PH_MODE ?? '').trim() || 'verify';
  if (!MODES.includes(mode)) {
    annotate('error', `pin-hashes action: mode "${mode}" is not one of ${MODES.join(', ')}.`);
    return 2;
  }
  const actionPath = env.GITHUB_ACTION_PATH ?? resolve(fileURLToPath(import.meta.url), '..', '..');
  const cli = join(actionPath, 'bin', 'pin-hashes.js');
  const cwd = resolve(process.cwd(), (env.PH_WORKING_DIRECTORY ?? '').trim() || '.');
  if (!existsSync(cwd)) {
    annotate('error', `pin-hashes action: working-directory ${env.PH_WORKING_DIRECTORY} does not exist.`);
    return 2;
  }
  const locks = words(env.PH_LOCK);
  const extra = words(env.PH_ARGS);
  if (mode === 'verify') return check(cli, '--verify', locks, extra, cwd);
  if (mode === 'offline') return check(cli, '--offline', locks, extra, cwd);
  return relock(cli, locks, extra, cwd, mode === 'relock-diff');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
