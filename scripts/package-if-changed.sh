#!/usr/bin/env bash
# Packages every service through compose when a source, config or lockfile is newer than the last package
# (packages/core and packages/charsets are bundled into the functions; the local cloud is not, so its changes need no packaging),
# then checks the compiled templates as AWS would (scripts/check-templates.sh): a failed check fails the
# setup, and the stamp is not written, so the next command packages and checks again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
stamp="$ROOT/.local-cloud/packaged"
newer=""
if [ -f "$stamp" ]; then
  newer=$(find services packages/core packages/charsets serverless.shared.yml serverless-compose.yml pnpm-lock.yaml \
    \( -name node_modules -o -name .serverless -o -name .esbuild -o -name test -o -name bench \) -prune -o \
    -type f -newer "$stamp" -print -quit)
fi
missing=""
for dir in services/*/; do [ -f "$dir/.serverless/cloudformation-template-update-stack.json" ] || missing=1; done
if [ ! -f "$stamp" ] || [ -n "$newer" ] || [ -n "$missing" ]; then
  printf '\033[2m[setup]\033[0m %s\n' "packaging services (osls-compose package)" >&2
  pnpm exec osls-compose package --stage dev >&2
  "$ROOT/scripts/check-templates.sh" >&2
  mkdir -p "$ROOT/.local-cloud" && touch "$stamp"
fi
