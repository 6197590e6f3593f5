// The bundle's stand-ins (scripts/bundle.mjs) behave like the modules they stand for, on first
// use: a small program using each lazily loaded module the way its importer does, and Node's
// built-ins the way CommonJS and ES modules use them, bundled with the CLI's own options and run.
// A review found the built-in stand-in broke `class X extends require('events')`; this catches that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../helpers/paths.js';

const PROGRAM = `
import stringWidth from 'string-width';
import http2wrapper from 'http2-wrapper';
import CacheableRequest, { CacheError } from 'cacheable-request';
import CacheableLookup from 'cacheable-lookup';
import is, { assert as isAssert } from '@sindresorhus/is';
import http, { Agent } from 'node:http';
import * as fs from 'node:fs';
import { promises as dnsPromises } from 'node:dns';
import { createRequire } from 'node:module';
const out = {};
out.width = stringWidth('ab\u4e00');
out.http2Auto = typeof http2wrapper.auto;
out.notCacheError = new Error('x') instanceof CacheError;
out.cacheable = typeof new CacheableRequest((o, cb) => http.request(o, cb), new Map()).request;
out.lookup = typeof new CacheableLookup().lookup;
try { isAssert.any([is.string, is.number], true); } catch (e) { out.isMessage = e.message; }
out.agent = new Agent() instanceof http.Agent;
out.fsDefault = fs.default.readFileSync === fs.readFileSync;
out.dnsPromises = typeof dnsPromises.lookup;
out.globalAgent = typeof http.globalAgent;
console.log(JSON.stringify(out));
`;

// A CommonJS module requiring built-ins the ways dependencies do.
const CJS = `
const EventEmitter = require('events');
const assert = require('assert');
const http = require('http');
class Agent extends EventEmitter {}
assert(new Agent() instanceof EventEmitter);
module.exports = { globalAgent: typeof http.globalAgent, called: typeof assert };
`;

test('every lazy stand-in and built-in works on first use, from ES and CommonJS code', async () => {
  const dir = mkdtempSync(join(projectRoot, 'dist', 'bundle-test-'));
  try {
    writeFileSync(join(dir, 'cjs.cjs'), CJS);
    writeFileSync(join(dir, 'entry.mjs'), `import cjs from './cjs.cjs';\n${PROGRAM.replace('console.log', 'out.cjs = cjs;\nconsole.log')}`);
    const { build } = (await import('esbuild')) as typeof import('esbuild');
    const { BUNDLE_OPTIONS } = (await import(pathToFileURL(join(projectRoot, 'scripts', 'bundle.mjs')).href)) as { BUNDLE_OPTIONS: object };
    await build({ ...BUNDLE_OPTIONS, entryPoints: [join(dir, 'entry.mjs')], outfile: join(dir, 'out.mjs'), absWorkingDir: projectRoot, logLevel: 'error' });
    const result = JSON.parse(execFileSync(process.execPath, [join(dir, 'out.mjs')], { encoding: 'utf8' })) as Record<string, unknown>;
    // The edited Intl.ListFormat objects of @sindresorhus/is, built on first use, made this message
    // (how it names the predicates differs between Node 22 and 24).
    assert.match(String(result['isMessage']), /^Expected values which are `.+`\. Received values of type `boolean`\.$/);
    delete result['isMessage'];
    assert.deepEqual(result, {
      width: 4,
      http2Auto: 'function',
      notCacheError: false,
      cacheable: 'function',
      lookup: 'function',
      agent: true,
      fsDefault: true,
      dnsPromises: 'function',
      globalAgent: 'object',
      cjs: { globalAgent: 'object', called: 'function' },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
