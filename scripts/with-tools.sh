#!/usr/bin/env bash
# Runs a workspace command with the project's Node 22 and pnpm on PATH, setting up what is missing,
# so `npm run <script>` works on a machine that has only Node 20 and npm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
exec pnpm exec "$@"
