#!/usr/bin/env bash
# npm run bench: set up what is missing, then print every benchmark's figures (never a pass/fail gate).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pnpm exec tsx bench/bundles.ts
for bench in services/*/bench/*.ts; do
  [ -e "$bench" ] && pnpm exec tsx "$bench"
done
