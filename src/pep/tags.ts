/**
 * Target platforms (uv's `--python-platform` vocabulary) and the ordered compatibility tags a
 * CPython on that platform accepts (packaging's `cpython_tags` + `compatible_tags`).
 *
 * Traps:
 * - manylinux: glibc minors from the target's down to the floor (2.5 on x86_64/i686, 2.17
 *   elsewhere), each followed by its legacy alias where one exists (`manylinux2014` = 2.17,
 *   `manylinux2010` = 2.12, `manylinux1` = 2.5). A glibc target gets no musllinux tags and a
 *   musl target no manylinux tags.
 * - The generic `linux_{arch}` tag comes last, after manylinux/musllinux: that is what
 *   packaging 26.2's `_linux_platforms`, pip 23 and uv do. (PROTOCOLS §4.8 mentions a later
 *   packaging putting it first; no released source shows that. `LINUX_GENERIC_TAG_FIRST` flips
 *   it. It only matters for `linux_*` wheels, which PyPI does not accept.)
 * - macOS 11+ tags use `X_0` for every major from the target's down to 11, then 10.16 .. 10.4;
 *   arm64 has no 10.x binaries except `universal2`. Before 11 the minor counts down to 0.
 * - macOS fat formats: x86_64 accepts `intel`, `fat64`, `fat3`, `universal2`, `universal`
 *   (packaging spells `fat3` as `fat32`; the platform tag spec says `fat3`).
 * - Windows has exactly one platform tag: `win_amd64`, `win32` or `win_arm64`.
 * - CPython order: `cpXY-cpXY` over all platforms, `cpXY-abi3`, `cpXY-none`, older `cp3m-abi3`
 *   down to cp32, `pyXY`/`py3`/`py3(Y-1)`..`py30` with `none` over all platforms, then
 *   `cpXY-none-any` and the `py*-none-any` tags. `py3` is "any Python 3", not `py30`.
 * - Before 3.8 the CPython ABI carries the pymalloc flag: `cp37m`.
 */
import { ParseError } from '../errors.js';
import { quoteExcerpt } from './pychars.js';

/** What `--python-platform` names, after uv's vocabulary. */
export type PlatformSpec =
  | { os: 'linux'; arch: string; libc: 'glibc'; glibc: readonly [number, number] }
  | { os: 'linux'; arch: string; libc: 'musl'; musl: readonly [number, number] }
  | { os: 'macos'; arch: 'x86_64' | 'arm64'; macos: readonly [number, number] }
  | { os: 'windows'; arch: 'x86_64' | 'x86' | 'arm64' };

/** uv's default for `linux` and `*-unknown-linux-gnu`. */
export const DEFAULT_GLIBC: readonly [number, number] = [2, 28];
/** uv's default for `*-unknown-linux-musl`. */
export const DEFAULT_MUSL: readonly [number, number] = [1, 2];
/** uv's default macOS (the oldest non-EOL release) when no version is given. */
export const DEFAULT_MACOS: readonly [number, number] = [13, 0];

/** Whether `linux_{arch}` leads the Linux platform list (see the module comment). */
const LINUX_GENERIC_TAG_FIRST = false;

const LINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64', 'ppc64le', 's390x', 'riscv64', 'loongarch64'];

/** Spellings of Linux architectures in target triples. */
const LINUX_ARCH_ALIASES: Record<string, string> = {
  x86_64: 'x86_64',
  x8664: 'x86_64',
  amd64: 'x86_64',
  i686: 'i686',
  i386: 'i686',
  aarch64: 'aarch64',
  arm64: 'aarch64',
  armv7: 'armv7l',
  armv7l: 'armv7l',
  ppc64: 'ppc64',
  powerpc64: 'ppc64',
  ppc64le: 'ppc64le',
  powerpc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  riscv64gc: 'riscv64',
  loongarch64: 'loongarch64',
};

function invalidPlatform(text: string, why: string): ParseError {
  return new ParseError('INVALID_PLATFORM', `Invalid --python-platform ${quoteExcerpt(text)}: ${why}`, {
    hint: "Use e.g. 'linux', 'macos', 'windows', 'x86_64-manylinux_2_28', 'aarch64-unknown-linux-musl', 'aarch64-apple-darwin' or 'x86_64-pc-windows-msvc'.",
  });
}

function linuxArch(text: string, arch: string): string {
  const canonical = LINUX_ARCH_ALIASES[arch];
  if (canonical === undefined) throw invalidPlatform(text, `unknown Linux architecture ${quoteExcerpt(arch)}`);
  return canonical;
}

function macArch(text: string, arch: string): 'x86_64' | 'arm64' {
  if (arch === 'x86_64' || arch === 'x8664') return 'x86_64';
  if (arch === 'aarch64' || arch === 'arm64') return 'arm64';
  throw invalidPlatform(text, `unknown macOS architecture ${quoteExcerpt(arch)}`);
}

function windowsArch(text: string, arch: string): 'x86_64' | 'x86' | 'arm64' {
  if (arch === 'x86_64' || arch === 'x8664' || arch === 'amd64') return 'x86_64';
  if (arch === 'i686' || arch === 'i386' || arch === 'x86') return 'x86';
  if (arch === 'aarch64' || arch === 'arm64') return 'arm64';
  throw invalidPlatform(text, `unknown Windows architecture ${quoteExcerpt(arch)}`);
}

function smallInt(text: string, digits: string): number {
  const n = Number(digits);
  if (!/^[0-9]{1,4}$/.test(digits) || !Number.isSafeInteger(n)) throw invalidPlatform(text, `bad version number ${quoteExcerpt(digits)}`);
  return n;
}

function glibcTarget(text: string, arch: string, major: number, minor: number): PlatformSpec {
  if (major !== 2) throw invalidPlatform(text, 'manylinux targets need glibc 2.x');
  const floor = arch === 'x86_64' || arch === 'i686' ? 5 : 17;
  if (minor < floor) throw invalidPlatform(text, `manylinux for ${arch} starts at glibc 2.${floor}`);
  return { os: 'linux', arch, libc: 'glibc', glibc: [major, minor] };
}

const LEGACY_MANYLINUX: Record<string, readonly [number, number]> = {
  manylinux1: [2, 5],
  manylinux2010: [2, 12],
  manylinux2014: [2, 17],
};

/**
 * 'linux' (x86_64, glibc 2.28 default like uv), 'macos', 'windows', 'x86_64-manylinux_2_28',
 * 'aarch64-apple-darwin', 'x86_64-pc-windows-msvc', 'x86_64-unknown-linux-gnu',
 * 'aarch64-unknown-linux-musl', 'x86_64-apple-darwin', ...; also the canonical forms
 * `formatPlatform` writes (`arm64-macosx_14_0`) and plain platform tags (`manylinux_2_28_x86_64`,
 * `musllinux_1_2_aarch64`, `macosx_14_0_arm64`, `win_amd64`, `win32`, `win_arm64`).
 * Throws ParseError `INVALID_PLATFORM`.
 */
export function parsePythonPlatform(text: string): PlatformSpec {
  const t = text.trim().toLowerCase();
  switch (t) {
    case 'linux':
      return { os: 'linux', arch: 'x86_64', libc: 'glibc', glibc: DEFAULT_GLIBC };
    case 'macos':
      return { os: 'macos', arch: 'arm64', macos: DEFAULT_MACOS };
    case 'windows':
      return { os: 'windows', arch: 'x86_64' };
    case 'win_amd64':
      return { os: 'windows', arch: 'x86_64' };
    case 'win32':
      return { os: 'windows', arch: 'x86' };
    case 'win_arm64':
      return { os: 'windows', arch: 'arm64' };
  }
  let m: RegExpExecArray | null;
  if ((m = /^([a-z0-9_]+?)-(?:pc-)?windows(?:-msvc)?$/.exec(t)) !== null) {
    return { os: 'windows', arch: windowsArch(text, m[1] ?? '') };
  }
  if ((m = /^([a-z0-9_]+?)-unknown-linux-gnu(?:eabihf)?$/.exec(t)) !== null) {
    return glibcTarget(text, linuxArch(text, m[1] ?? ''), DEFAULT_GLIBC[0], DEFAULT_GLIBC[1]);
  }
  if ((m = /^([a-z0-9_]+?)-unknown-linux-musl(?:eabihf)?$/.exec(t)) !== null) {
    return { os: 'linux', arch: linuxArch(text, m[1] ?? ''), libc: 'musl', musl: DEFAULT_MUSL };
  }
  if ((m = /^([a-z0-9_]+?)-apple-darwin(?:([0-9]+)(?:\.([0-9]+))?)?$/.exec(t)) !== null) {
    const version: readonly [number, number] =
      m[2] === undefined ? DEFAULT_MACOS : [smallInt(text, m[2]), m[3] === undefined ? 0 : smallInt(text, m[3])];
    return { os: 'macos', arch: macArch(text, m[1] ?? ''), macos: version };
  }
  if ((m = /^([a-z0-9_]+?)-manylinux_([0-9]+)_([0-9]+)$/.exec(t)) !== null) {
    return glibcTarget(text, linuxArch(text, m[1] ?? ''), smallInt(text, m[2] ?? ''), smallInt(text, m[3] ?? ''));
  }
  if ((m = /^(manylinux(?:1|2010|2014))_([a-z0-9_]+)$/.exec(t)) !== null || (m = /^([a-z0-9_]+?)-(manylinux(?:1|2010|2014))$/.exec(t)) !== null) {
    const legacyFirst = (m[1] ?? '').startsWith('manylinux');
    const legacy = LEGACY_MANYLINUX[(legacyFirst ? m[1] : m[2]) ?? ''];
    const arch = linuxArch(text, (legacyFirst ? m[2] : m[1]) ?? '');
    if (legacy === undefined) throw invalidPlatform(text, 'unknown manylinux alias');
    return glibcTarget(text, arch, legacy[0], legacy[1]);
  }
  if ((m = /^manylinux_([0-9]+)_([0-9]+)_([a-z0-9_]+)$/.exec(t)) !== null) {
    return glibcTarget(text, linuxArch(text, m[3] ?? ''), smallInt(text, m[1] ?? ''), smallInt(text, m[2] ?? ''));
  }
  if ((m = /^([a-z0-9_]+?)-musllinux_([0-9]+)_([0-9]+)$/.exec(t)) !== null) {
    return { os: 'linux', arch: linuxArch(text, m[1] ?? ''), libc: 'musl', musl: [smallInt(text, m[2] ?? ''), smallInt(text, m[3] ?? '')] };
  }
  if ((m = /^musllinux_([0-9]+)_([0-9]+)_([a-z0-9_]+)$/.exec(t)) !== null) {
    return { os: 'linux', arch: linuxArch(text, m[3] ?? ''), libc: 'musl', musl: [smallInt(text, m[1] ?? ''), smallInt(text, m[2] ?? '')] };
  }
  if ((m = /^([a-z0-9_]+?)-macosx_([0-9]+)_([0-9]+)$/.exec(t)) !== null) {
    return { os: 'macos', arch: macArch(text, m[1] ?? ''), macos: [smallInt(text, m[2] ?? ''), smallInt(text, m[3] ?? '')] };
  }
  if ((m = /^macosx_([0-9]+)_([0-9]+)_(x86_64|arm64)$/.exec(t)) !== null) {
    return { os: 'macos', arch: macArch(text, m[3] ?? ''), macos: [smallInt(text, m[1] ?? ''), smallInt(text, m[2] ?? '')] };
  }
  throw invalidPlatform(text, 'not a platform name pin-hashes knows');
}

function windowsTriple(arch: 'x86_64' | 'x86' | 'arm64'): string {
  return arch === 'x86_64' ? 'x86_64' : arch === 'x86' ? 'i686' : 'aarch64';
}

/** canonical string for the lock header, e.g. 'x86_64-manylinux_2_36' */
export function formatPlatform(p: PlatformSpec): string {
  switch (p.os) {
    case 'linux':
      return p.libc === 'glibc'
        ? `${p.arch}-manylinux_${p.glibc[0]}_${p.glibc[1]}`
        : `${p.arch}-musllinux_${p.musl[0]}_${p.musl[1]}`;
    case 'macos':
      return `${p.arch}-macosx_${p.macos[0]}_${p.macos[1]}`;
    case 'windows':
      return `${windowsTriple(p.arch)}-pc-windows-msvc`;
  }
}

function manylinuxPlatforms(arch: string, glibc: readonly [number, number]): string[] {
  if (!LINUX_ARCHES.includes(arch)) return [];
  const floor = arch === 'x86_64' || arch === 'i686' ? 5 : 17;
  const legacy: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' };
  const tags: string[] = [];
  for (let minor = glibc[1]; minor >= floor; minor--) {
    tags.push(`manylinux_${glibc[0]}_${minor}_${arch}`);
    const alias = legacy[minor];
    if (alias !== undefined) tags.push(`${alias}_${arch}`);
  }
  return tags;
}

function macFormats(major: number, minor: number, arch: 'x86_64' | 'arm64'): string[] {
  if (arch === 'arm64') return ['arm64', 'universal2'];
  if (major === 10 && minor < 4) return [];
  return ['x86_64', 'intel', 'fat64', 'fat3', 'universal2', 'universal'];
}

function macPlatforms(version: readonly [number, number], arch: 'x86_64' | 'arm64'): string[] {
  const [major, minor] = version;
  const tags: string[] = [];
  if (major === 10) {
    for (let m = minor; m >= 0; m--) {
      for (const format of macFormats(10, m, arch)) tags.push(`macosx_10_${m}_${format}`);
    }
  }
  if (major >= 11) {
    for (let m = major; m >= 11; m--) {
      for (const format of macFormats(m, 0, arch)) tags.push(`macosx_${m}_0_${format}`);
    }
    for (let m = 16; m >= 4; m--) {
      const formats = arch === 'x86_64' ? macFormats(10, m, arch) : ['universal2'];
      for (const format of formats) tags.push(`macosx_10_${m}_${format}`);
    }
  }
  return tags;
}

/** ordered most specific first (packaging 26.2 order) */
export function platformTags(p: PlatformSpec): string[] {
  switch (p.os) {
    case 'linux': {
      const specific =
        p.libc === 'glibc'
          ? manylinuxPlatforms(p.arch, p.glibc)
          : Array.from({ length: p.musl[1] + 1 }, (_, i) => `musllinux_${p.musl[0]}_${p.musl[1] - i}_${p.arch}`);
      const generic = `linux_${p.arch}`;
      return LINUX_GENERIC_TAG_FIRST ? [generic, ...specific] : [...specific, generic];
    }
    case 'macos':
      return macPlatforms(p.macos, p.arch);
    case 'windows':
      return [p.arch === 'x86_64' ? 'win_amd64' : p.arch === 'x86' ? 'win32' : 'win_arm64'];
  }
}

/**
 * The ordered tags of CPython `major.minor` on `platforms` (packaging's `cpython_tags` followed by
 * `compatible_tags` with interpreter `cpXY`), as `interp-abi-plat` strings.
 */
export function cpythonTags(pythonVersion: readonly [number, number], platforms: readonly string[]): string[] {
  const [major, minor] = pythonVersion;
  const nodot = `${major}${minor}`;
  const interpreter = `cp${nodot}`;
  const legacyPymalloc = major < 3 || (major === 3 && minor < 8);
  const abi = `cp${nodot}${legacyPymalloc ? 'm' : ''}`;
  const abi3 = major > 3 || (major === 3 && minor >= 2);
  const tags: string[] = [];
  for (const platform of platforms) tags.push(`${interpreter}-${abi}-${platform}`);
  if (abi3) for (const platform of platforms) tags.push(`${interpreter}-abi3-${platform}`);
  for (const platform of platforms) tags.push(`${interpreter}-none-${platform}`);
  if (abi3) {
    for (let m = minor - 1; m >= 2; m--) {
      for (const platform of platforms) tags.push(`cp${major}${m}-abi3-${platform}`);
    }
  }
  const pythons = [`py${nodot}`, `py${major}`];
  for (let m = minor - 1; m >= 0; m--) pythons.push(`py${major}${m}`);
  for (const python of pythons) {
    for (const platform of platforms) tags.push(`${python}-none-${platform}`);
  }
  tags.push(`${interpreter}-none-any`);
  for (const python of pythons) tags.push(`${python}-none-any`);
  return tags;
}
