#!/usr/bin/env bash
# npm run bench: set up what is missing, then print every benchmark's figures (never a pass/fail gate).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pnpm exec tsx bench/bundles.ts
# BENCH_ONLY=startup: only the local cloud's start to ready (for a before/after of a change to it).
[ "${BENCH_ONLY:-}" = startup ] && exit 0
# The local cloud's latency (endpoint beside each emulator and moto_server) and idle memory by process.
pnpm exec tsx packages/local-cloud/bench/latency.ts
# The local cloud's soak (2 GiB through S3, 10,000 SQS messages; BENCH_SOAK_GIB to size it).
pnpm exec tsx packages/local-cloud/bench/soak.ts
for bench in services/*/bench/*.ts; do
  [ -e "$bench" ] && pnpm exec tsx "$bench"
done
