#!/usr/bin/env bash
# npm run dev: set up what is missing, then start every service on the local cloud (Ctrl-C stops it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
# node itself, not pnpm exec or the tsx CLI: either would stay alive as a parent process (~160 MB idle).
exec node --import tsx packages/local-cloud/src/cli.ts start "$@"
