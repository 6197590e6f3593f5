#!/usr/bin/env node
// The published entry: everything lives in the bundled CLI (dist/cli/, made by npm run build).
// The compile cache first (src/cli/compile-cache.ts): it applies to modules loaded after it.
const { enableCompileCache } = await import('../dist/cli/compile-cache.js');
enableCompileCache(process.argv.slice(2), process.env);
const { run } = await import('../dist/cli/main.js');
run();
