#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine, idempotently: PyTorch (python3-torch), the
# AWS emulator (moto) and, unless --unit, a real VS Code (code-server) with Chromium to drive it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# The benchmarks' baselines: curl (with --aws-sigv4) and GNU tar.
if ! command -v curl >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
fi
# examples/pytorch-ddp's test (test/unit/pytorchDdp.test.ts): PyTorch with torch.distributed and gloo,
# Debian's python3-torch (1.13.1, about 168 packages). The quickstart and the demo need none of it.
if ! python3 -c 'import torch.distributed' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import torch.distributed' >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
fi
bash scripts/setup-moto.sh
if [ "${1:-}" != "--unit" ]; then
  bash scripts/setup-vscode.sh
fi
