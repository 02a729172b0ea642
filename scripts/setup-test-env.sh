#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine, idempotently: the AWS emulator (moto)
# and, unless --unit, a real VS Code (code-server) with Chromium to drive it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/setup-moto.sh
if [ "${1:-}" != "--unit" ]; then
  bash scripts/setup-vscode.sh
fi
