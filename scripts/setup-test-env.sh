#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine, idempotently: the AWS emulator (moto)
# and, unless --unit, a real VS Code (code-server) with Chromium to drive it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# The benchmarks' baselines: curl (with --aws-sigv4) and GNU tar.
if ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
fi
bash scripts/setup-moto.sh
if [ "${1:-}" != "--unit" ]; then
  bash scripts/setup-vscode.sh
fi
