#!/usr/bin/env node
// The published entry: everything lives in the compiled CLI.
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its initial size (1 MB semi-spaces) instead of letting it grow
// to 2 x 16 MB while a lock streams ~1 GB through short-lived buffers: peak RSS of a cold lock
// drops by ~35 MB (npm run bench: ~180 -> ~145 MB) for a few hundred extra sub-millisecond
// scavenges. --max-semi-space-size would be the obvious flag, but it only counts on the node
// command line (npm's bin shim gives us none); the growth factor is read each time V8 grows the
// new space, so it still works when set here. It must be set before the CLI's modules load,
// hence the dynamic import below. Measured on Node 20 only: newer V8s may clamp or drop the flag
// (an unknown flag makes V8 print an error), so other majors keep V8's defaults until measured.
if (process.versions.node.startsWith('20.')) setFlagsFromString('--semi-space-growth-factor=1');

const { run } = await import('../dist/src/cli/main.js');
run();
