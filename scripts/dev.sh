#!/usr/bin/env bash
# npm run dev: set up what is missing, then start every service on the local cloud (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
exec pnpm exec tsx packages/local-cloud/src/cli.ts start "$@"
