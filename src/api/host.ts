/**
 * Host defaults for the target, used only when the user names none: the python3 on PATH, the OS,
 * the CPU, and the glibc version Node reports. The result is always written into the lock header,
 * so `check` never depends on the machine it runs on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { arch, platform } from 'node:process';
import { PinHashesError } from '../errors.js';
import { needsHostPythonVersion, type TargetOptions } from './targets.js';

let pythonProbe: Promise<string | undefined> | undefined;

/**
 * Asks the Python on PATH for its version, once per process, without waiting for the answer.
 * Starting a Python takes 20-120 ms (a pyenv shim is the slow end): the CLI starts it before it
 * loads a run's code, which then loads while Python starts on another core.
 */
export function startHostPythonProbe(): Promise<string | undefined> {
  pythonProbe ??= firstAnswer(platform === 'win32' ? ['py', 'python'] : ['python3', 'python']);
  return pythonProbe;
}

/**
 * Until a run waits for the answer, the probe does not keep the process alive: a run that fails
 * first (a usage error, an unreadable input) exits at once, not when Python answers. Waiting
 * holds it again (an unheld child alone would let the process exit mid-await).
 */
let held = false;
/** The Python asked now (spawned as the probe starts), until it answers. */
let running: ChildProcess | undefined;

/** A child's pipes are sockets (ref/unref), though typed as plain streams. */
interface Holdable {
  ref(): unknown;
  unref(): unknown;
}

function hold(child: ChildProcess, keep: boolean): void {
  const pipes = [child.stdout, child.stderr].filter((pipe): pipe is NonNullable<typeof pipe> & Holdable => pipe !== null && typeof (pipe as Partial<Holdable>).ref === 'function');
  for (const handle of [child, ...pipes]) {
    if (keep) handle.ref();
    else handle.unref();
  }
}

/** True while the probe has not answered: time a run waits anyway, to load code in. */
export function hostPythonProbeRunning(): boolean {
  return running !== undefined;
}

/** The probe, started only when these options name no Python version where a target needs one. */
export function startHostPythonProbeFor(options: TargetOptions): void {
  let needed: boolean;
  try {
    needed = needsHostPythonVersion(options);
  } catch {
    // Options that are wrong: the run says so, and needs no Python.
    return;
  }
  if (needed) void startHostPythonProbe();
}

async function firstAnswer(executables: readonly string[]): Promise<string | undefined> {
  for (const exe of executables) {
    const version = await new Promise<string | undefined>((resolve) => {
      // spawn, not execFile: execFile's timeout is a timer that would keep the process alive.
      const child = spawn(exe, ['-c', 'import platform; print(platform.python_version())'], { stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (text: string) => {
        if (out.length < 1000) out += text;
      });
      const timer = setTimeout(() => child.kill(), 10_000);
      timer.unref();
      const settle = (code: number | null): void => {
        clearTimeout(timer);
        running = undefined;
        const text = out.trim();
        resolve(code === 0 && /^\d+\.\d+/.test(text) ? text : undefined);
      };
      child.on('error', () => settle(null));
      child.on('close', settle);
      running = child;
      hold(child, held);
    });
    if (version !== undefined) return version;
  }
  return undefined;
}

/** The host's Python version, for a target whose options name none. */
export async function hostPythonVersion(): Promise<string> {
  held = true;
  const probe = startHostPythonProbe();
  if (running) hold(running, true);
  const version = await probe;
  if (version !== undefined) return version;
  throw new PinHashesError('NO_PYTHON', 'No python3 on PATH to take the target Python version from', {
    exitCode: 2,
    hint: 'Name the target: --python-version 3.12 (and --python-platform if it differs from this machine).',
  });
}

/**
 * The targets' defaults from this machine; the Python version asked for (and awaited) only when
 * the options need it.
 */
export async function hostTargetDefaults(options: TargetOptions): Promise<{ pythonVersion: () => string; platform: () => string }> {
  const version = needsHostPythonVersion(options) ? await hostPythonVersion() : undefined;
  return {
    pythonVersion: () => {
      if (version === undefined) throw new Error('internal: the host Python version was not asked for');
      return version;
    },
    platform: hostPlatform,
  };
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
