#!/usr/bin/env bash
# The action's install step: build pin-hashes in the action's own checkout (GitHub downloads the
# repository at the ref a workflow names, so no registry publish is needed), then put a
# `pin-hashes` command on PATH for this job's later steps (the re-lock workflow runs it).
# Reads only variables the runner sets; no input of the action reaches this script.
set -euo pipefail

cd "$GITHUB_ACTION_PATH"
# A second use of the action in the same job finds the build in place.
if ! node bin/pin-hashes.js --version >/dev/null 2>&1; then
  # The locked dependencies, then the `prepare` script builds (tsc + the esbuild bundle).
  npm ci --no-audit --no-fund
fi

bin_dir="$RUNNER_TEMP/pin-hashes-bin"
mkdir -p "$bin_dir"
printf '#!/usr/bin/env bash\nexec node %q "$@"\n' "$GITHUB_ACTION_PATH/bin/pin-hashes.js" > "$bin_dir/pin-hashes"
chmod +x "$bin_dir/pin-hashes"
echo "$bin_dir" >> "$GITHUB_PATH"
echo "pin-hashes $(node bin/pin-hashes.js --version), on PATH for the next steps"
