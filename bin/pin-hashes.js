#!/usr/bin/env node
// The published entry: everything lives in the compiled CLI.
import { run } from '../dist/src/cli/main.js';

run();
