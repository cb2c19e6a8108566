#!/usr/bin/env bash
# npm test: set up what is missing, then lint and format check, type-check, check the compiled templates
# as AWS would (cfn-lint, IAM catalog, creation order), check the dependencies' licences, and run every
# Jest test (unit, integration against the local cloud, end to end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pnpm exec biome check .
pnpm exec tsc -p tsconfig.json --noEmit
scripts/check-templates.sh
pnpm exec tsx scripts/licenses/check.ts
NODE_OPTIONS=--experimental-vm-modules pnpm exec jest "$@"
