#!/usr/bin/env bash
# Makes this clone ready to run: Node 22 (fetched from the npm registry when the machine's Node is
# older), pnpm 10, Java 17 for DynamoDB Local, the workspace's dependencies, and the packaged services.
# Idempotent and quick when everything is already there. Source it: it exports PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR=22
PNPM_VERSION=10.34.9

mkdir -p "$ROOT/.local-cloud"
# Two commands started together (npm run dev and a CLI, say) must not install or package at once.
if command -v flock >/dev/null; then
  exec 9>"$ROOT/.local-cloud/setup.lock"
  flock 9
fi

say() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 22: the machine's if new enough, else the node-<os>-<arch> package from the npm registry.
if [ "$(node_major)" -lt "$NODE_MAJOR" ]; then
  command -v npm >/dev/null || { echo "setup: npm is needed to fetch Node $NODE_MAJOR" >&2; exit 1; }
  pkg="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
  if [ ! -x "$TOOLS/node/node_modules/$pkg/bin/node" ]; then
    say "fetching Node $NODE_MAJOR ($pkg) from the npm registry"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "$pkg@$NODE_MAJOR" >&2
  fi
  export PATH="$TOOLS/node/node_modules/$pkg/bin:$PATH"
fi

# pnpm 10, installed next to the project (corepack's signature check fails on some machines).
if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ] || [ "$("$TOOLS/pnpm/node_modules/.bin/pnpm" --version)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >&2
fi
export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"

# Java 17+ runs Amazon DynamoDB Local.
java_major=$(java -version 2>&1 | sed -nE 's/.*version "([0-9]+)(\.[0-9]+)*.*/\1/p' | head -n1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "setup: DynamoDB Local needs Java 17 or newer (found: ${java_major:-none}); install a JDK, e.g. apt install openjdk-17-jre-headless" >&2
  exit 1
fi

# Dependencies: skipped when the lockfile has not changed since the last install.
stamp="$ROOT/node_modules/.zero-idle-installed"
if [ ! -f "$stamp" ] || [ "$ROOT/pnpm-lock.yaml" -nt "$stamp" ] || [ "$ROOT/package.json" -nt "$stamp" ]; then
  say "installing dependencies"
  (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=silent) >&2
  touch "$stamp"
fi

# Package every service (the local cloud runs exactly these templates and bundles) when sources changed.
"$ROOT/scripts/package-if-changed.sh"

if command -v flock >/dev/null; then
  flock -u 9
  exec 9>&-
fi
