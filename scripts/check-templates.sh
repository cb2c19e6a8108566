#!/usr/bin/env bash
# Checks every compiled template as AWS would before a deploy: cfn-lint with AWS's resource schemas
# (config: .cfnlintrc.yaml), every policy against AWS's IAM catalog, and CloudFormation's creation order.
# Any finding fails. Without cfn-lint the other checks still run and one loud line says so; with CI=true
# a missing cfn-lint fails too. Expects the project's Node and pnpm on PATH (setup.sh puts them there).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec pnpm exec tsx packages/local-cloud/src/cli.ts check "$@"
