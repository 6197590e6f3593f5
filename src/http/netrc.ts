/**
 * netrc credentials, looked up as pip does (pip asks requests, which asks Python's netrc module):
 *
 * - The file is `$NETRC` when that variable is set (and then only that file), else the first of
 *   `~/.netrc` and `~/_netrc` that exists.
 * - Entries are found by host name alone, not scheme or port; the `default` entry answers for
 *   every host without its own; when a host appears twice, the last entry wins (a dict in Python).
 * - The user name is `login`, or `account` when `login` is empty; the password is `password`.
 * - A file that does not parse gives no credentials at all (requests swallows the error); we
 *   also say why, so the caller can warn, without ever quoting a token.
 *
 * Tokens follow Python 3.11+: separated by whitespace, `"double quoted"` with backslash escapes,
 * a backslash escapes the next character in a bare token, `#` starts a comment, and `macdef`
 * swallows lines up to an empty one.
 */
import { readBoundedText } from '../fs/bounded-read.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from './client.js';

export interface Netrc {
  /** Credentials for a host name as in a URL (`Example.COM`, `[::1]` are normalised). */
  lookup(hostname: string): Credentials | undefined;
  /** Every password of the file: masked in messages before anything else is read (api/prepare.ts). */
  readonly passwords: readonly string[];
}

export interface NetrcFile {
  netrc: Netrc;
  /** The file read, or undefined when there is none. */
  path: string | undefined;
  /** Why the file gave no credentials (unreadable, does not parse); never holds a secret. */
  problem: string | undefined;
}

interface Entry {
  login: string;
  account: string;
  password: string;
}

export class NetrcParseError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = 'NetrcParseError';
    this.line = line;
  }
}

export const EMPTY_NETRC: Netrc = { lookup: () => undefined, passwords: [] };

/** Parses netrc text; throws NetrcParseError (its message never holds a token value). */
export function parseNetrc(text: string): Netrc {
  const hosts = new Map<string, Entry>();
  const lexer = new Lexer(text);
  for (;;) {
    const startLine = lexer.line;
    const top = lexer.next();
    // An empty token (`""`) ends the file for Python's parser too.
    if (top === undefined || top === '') break;
    if (top.startsWith('#')) {
      if (lexer.line === startLine && top.length === 1) lexer.skipLine();
      continue;
    }
    let entryName: string;
    if (top === 'machine') {
      const name = lexer.next();
      if (name === undefined || name === '') throw new NetrcParseError('missing machine name', lexer.line);
      entryName = normaliseHost(name);
    } else if (top === 'default') {
      entryName = '\0default';
    } else if (top === 'macdef') {
      lexer.next();
      lexer.skipMacro();
      continue;
    } else {
      throw new NetrcParseError('unexpected word at the top level (expected machine, default or macdef)', lexer.line);
    }
    const entry: Entry = { login: '', account: '', password: '' };
    for (;;) {
      const line = lexer.line;
      const word = lexer.peek();
      if (word !== undefined && word.startsWith('#')) {
        lexer.next();
        if (lexer.line === line) lexer.skipLine();
        continue;
      }
      if (word === undefined || word === '' || word === 'machine' || word === 'default' || word === 'macdef') break;
      lexer.next();
      const value = lexer.next() ?? '';
      if (word === 'login' || word === 'user') entry.login = value;
      else if (word === 'account') entry.account = value;
      else if (word === 'password') entry.password = value;
      else throw new NetrcParseError('unexpected word in an entry (expected login, account or password)', lexer.line);
    }
    hosts.set(entryName, entry);
  }
  return {
    passwords: [...hosts.values()].map((entry) => entry.password).filter((password) => password !== ''),
    lookup(hostname) {
      const entry = hosts.get(normaliseHost(hostname)) ?? hosts.get('\0default');
      if (!entry) return undefined;
      const username = entry.login !== '' ? entry.login : entry.account;
      if (username === '' && entry.password === '') return undefined;
      return { username, password: entry.password };
    },
  };
}

/** The netrc file pip would read for this environment. */
export async function loadNetrc(env: Readonly<Record<string, string | undefined>>): Promise<NetrcFile> {
  const explicit = env['NETRC'];
  const home = env['HOME'] || homedir();
  const candidates = explicit !== undefined && explicit !== '' ? [expandHome(explicit, home)] : [join(home, '.netrc'), join(home, '_netrc')];
  for (const path of candidates) {
    let text: string;
    try {
      // NETRC=/dev/null is the usual way to turn netrc off: read as empty, as pip reads it.
      text = path === '/dev/null' ? '' : await readBoundedText(path);
    } catch (error) {
      if (isMissing(error)) continue;
      return { netrc: EMPTY_NETRC, path, problem: `${path} cannot be read (${errorCode(error)}); it is ignored` };
    }
    try {
      return { netrc: parseNetrc(text), path, problem: undefined };
    } catch (error) {
      const why = error instanceof NetrcParseError ? error.message : 'it does not parse';
      return { netrc: EMPTY_NETRC, path, problem: `${path}: ${why}; the file is ignored, as pip ignores it` };
    }
  }
  return { netrc: EMPTY_NETRC, path: undefined, problem: undefined };
}

function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase();
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable';
}

/** Python's `_netrclex`: reads characters, counting lines as it consumes `\n`. */
class Lexer {
  readonly #text: string;
  #pos = 0;
  #line = 1;
  #pushback: string[] = [];

  constructor(text: string) {
    // Python reads the file in text mode: universal newlines.
    this.#text = text.replace(/\r\n?/g, '\n');
  }

  get line(): number {
    return this.#line;
  }

  peek(): string | undefined {
    const token = this.next();
    if (token !== undefined) this.#pushback.unshift(token);
    return token;
  }

  /** The next token, undefined at the end. */
  next(): string | undefined {
    const pushed = this.#pushback.shift();
    if (pushed !== undefined) return pushed;
    let token = '';
    for (let ch = this.#char(); ch !== undefined; ch = this.#char()) {
      if (WHITESPACE.has(ch)) continue;
      if (ch === '"') {
        for (let q = this.#char(); q !== undefined; q = this.#char()) {
          if (q === '"') return token;
          token += q === '\\' ? (this.#char() ?? '') : q;
        }
        return token;
      }
      token += ch === '\\' ? (this.#char() ?? '') : ch;
      // A bare token ends at whitespace, which is consumed with it (and counted when a newline).
      for (let b = this.#char(); b !== undefined; b = this.#char()) {
        if (WHITESPACE.has(b)) return token;
        token += b === '\\' ? (this.#char() ?? '') : b;
      }
      return token;
    }
    return token === '' ? undefined : token;
  }

  /** Python's `instream.readline()`: the rest of the current line, newline included. */
  readLine(): string {
    this.#pushback = [];
    const end = this.#text.indexOf('\n', this.#pos);
    const stop = end === -1 ? this.#text.length : end + 1;
    const line = this.#text.slice(this.#pos, stop);
    this.#pos = stop;
    return line;
  }

  skipLine(): void {
    this.readLine();
  }

  /** A macro body runs to the first empty line; a file that ends first is an error. */
  skipMacro(): void {
    for (;;) {
      const line = this.readLine();
      if (line === '') throw new NetrcParseError('a macdef has no empty line after it', this.#line);
      if (line === '\n') return;
    }
  }

  #char(): string | undefined {
    if (this.#pos >= this.#text.length) return undefined;
    const ch = this.#text[this.#pos++];
    if (ch === '\n') this.#line++;
    return ch;
  }
}

const WHITESPACE = new Set(['\n', '\t', '\r', ' ']);
