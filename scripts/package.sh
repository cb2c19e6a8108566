#!/usr/bin/env bash
# npm run package: package every service (serverless package through compose), then check the compiled
# templates as AWS would (scripts/check-templates.sh); a finding fails the command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
pnpm exec osls-compose package --stage dev
scripts/check-templates.sh
touch "$ROOT/.local-cloud/packaged"
