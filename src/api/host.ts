/**
 * Host defaults for the target, used only when the user names none: the python3 on PATH, the OS,
 * the CPU, and the glibc version Node reports. The result is always written into the lock header,
 * so `check` never depends on the machine it runs on.
 */
import { spawnSync } from 'node:child_process';
import { arch, platform } from 'node:process';
import { PinHashesError } from '../errors.js';

export function hostPythonVersion(): string {
  for (const exe of platform === 'win32' ? ['py', 'python'] : ['python3', 'python']) {
    const result = spawnSync(exe, ['-c', 'import platform; print(platform.python_version())'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    const out = result.stdout?.trim();
    if (result.status === 0 && out && /^\d+\.\d+/.test(out)) return out;
  }
  throw new PinHashesError('NO_PYTHON', 'No python3 on PATH to take the target Python version from', {
    exitCode: 2,
    hint: 'Name the target: --python-version 3.12 (and --python-platform if it differs from this machine).',
  });
}

/** A `--python-platform` string for this machine in the vocabulary parsePythonPlatform reads. */
export function hostPlatform(): string {
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : arch === 'ia32' ? 'i686' : arch;
  if (platform === 'darwin') return cpu === 'aarch64' ? 'aarch64-apple-darwin' : 'x86_64-apple-darwin';
  if (platform === 'win32') return cpu === 'aarch64' ? 'aarch64-pc-windows-msvc' : 'x86_64-pc-windows-msvc';
  const glibc = glibcVersion();
  if (glibc) return `${cpu}-manylinux_${glibc.replace('.', '_')}`;
  return `${cpu}-unknown-linux-musl`;
}

function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const version = report?.header?.glibcVersionRuntime;
  return version && /^\d+\.\d+$/.test(version) ? version : undefined;
}
