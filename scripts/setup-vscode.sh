#!/usr/bin/env bash
# Installs the VS Code that the integration tests run in: code-server 4.100.3 (VS Code 1.100.3 on
# node 20) in .tools/code-server/, plus the Debian packages it and the test driver need.
#
# Why code-server: offline, @vscode/test-electron cannot download VS Code and no desktop VS Code or
# Electron exists in Debian; code-server comes from npm, which is reachable. 4.100.3 is the newest
# release whose engines.node is 20 (ours); newer ones need node 22/24.
#
# Idempotent and quiet: prints one line on success, the install log on failure.
# Usage: bash scripts/setup-vscode.sh
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 bundles VS Code 1.100.3, whose lockfile pins @vscode/ripgrep 1.15.11, which
# downloads ripgrep v13.0.0-10 from GitHub in its postinstall. GitHub is unreachable, so its cache is
# seeded from Debian's rg (also 13.0.0). Change these together with CODE_SERVER_VERSION.
readonly VSCODE_RIPGREP_VERSION=1.15.11
readonly RIPGREP_ASSET_VERSION=v13.0.0-10
# chromium drives the workbench; libkrb5-dev + pkg-config build code-server's `kerberos` module;
# ripgrep seeds the cache above; g++/make/python3 are what node-gyp needs for the native modules.
readonly APT_PACKAGES=(chromium libkrb5-dev pkg-config ripgrep g++ make python3)

started=$(date +%s%N)
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
install_dir="$repo_root/.tools/code-server"
package_json="$install_dir/node_modules/code-server/package.json"
binary="$install_dir/node_modules/.bin/code-server"
did=()

elapsed() {
  local tenths=$(( ($(date +%s%N) - started) / 100000000 ))
  echo "$((tenths / 10)).$((tenths % 10)) s"
}

fail() {
  echo "setup-vscode: $*" >&2
  exit 1
}

installed_version() {
  # Reads the version from package.json rather than running `code-server --version`, which would
  # write ~/.config/code-server/config.yaml as a side effect.
  [[ -x "$binary" && -f "$package_json" && -f "$install_dir/node_modules/code-server/lib/vscode/package.json" ]] || return 0
  node -p "require(process.argv[1]).version" "$package_json" 2>/dev/null || true
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0

  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || fail "missing Debian packages (${missing[*]}); run this script as root or install them: apt-get install --no-install-recommends ${missing[*]}"
    sudo=(sudo -n)
  fi
  local log
  log=$(mktemp)
  if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    rm -f "$log"
    fail "apt-get install ${missing[*]} failed (log above)"
  fi
  rm -f "$log"
  did+=("apt: ${missing[*]}")
}

ripgrep_target() {
  case "$(uname -m)" in
    x86_64) echo x86_64-unknown-linux-musl ;;
    aarch64) echo aarch64-unknown-linux-musl ;;
    *) fail "no ripgrep cache seeding for architecture $(uname -m); add its @vscode/ripgrep target name here" ;;
  esac
}

install_code_server() {
  mkdir -p "$install_dir"
  # A package.json of its own makes this folder its own npm project, so the install never reads or
  # writes the repository's package.json, lockfile or node_modules.
  cat >"$install_dir/package.json" <<EOF
{
  "name": "sagemaker-hf-trainer-test-vscode",
  "private": true,
  "description": "code-server for the integration tests, installed by scripts/setup-vscode.sh",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" }
}
EOF

  # A private TMPDIR: @vscode/ripgrep looks for its download cache in os.tmpdir(), and the native
  # builds leave files there that should not outlive the install.
  local tmp="$install_dir/.tmp"
  rm -rf "$tmp"
  local cache="$tmp/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
  mkdir -p "$cache/rg"
  cp "$(command -v rg)" "$cache/rg/rg"
  tar -czf "$cache/ripgrep-$RIPGREP_ASSET_VERSION-$(ripgrep_target).tar.gz" -C "$cache/rg" rg
  rm -rf "$cache/rg"

  local log="$install_dir/install.log"
  # npm_config_unsafe_perm: code-server's postinstall.sh refuses to run as root without it.
  # npm_config_yes: node-pty's install runs `npx node-gyp`, which otherwise asks (and, with no tty, cancels).
  if ! (cd "$install_dir" && TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION") >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    rm -rf "$tmp"
    fail "npm install code-server@$CODE_SERVER_VERSION failed (last lines above, full log: $log)"
  fi
  rm -rf "$tmp"

  local got
  got=$(installed_version)
  [[ "$got" == "$CODE_SERVER_VERSION" ]] || fail "installed code-server reports version '${got:-none}', expected $CODE_SERVER_VERSION (log: $log)"
  did+=("installed code-server $CODE_SERVER_VERSION into .tools/code-server")
}

install_apt_packages
if [[ "$(installed_version)" == "$CODE_SERVER_VERSION" ]]; then
  did+=("code-server $CODE_SERVER_VERSION already installed")
else
  install_code_server
fi

summary=$(IFS=';'; echo "${did[*]}")
echo "setup-vscode: ${summary//;/, } ($(elapsed))"
