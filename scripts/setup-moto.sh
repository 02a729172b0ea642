#!/usr/bin/env bash
# Sets up moto (the AWS emulator our tests and demo run against) on a Debian 12 (bookworm) machine.
#
# moto is not packaged for bookworm; trixie has 5.1.x. Adding trixie to the system's apt sources would drag
# libc/python upgrades into the machine, so we never touch them: a private apt configuration (its own
# sources.list, lists and cache under .tools/moto/apt) downloads the pure-Python .debs from trixie and
# `dpkg-deb -x` unpacks them into .tools/moto/root. They run with Debian's /usr/bin/python3 on PYTHONPATH,
# next to bookworm's flask/werkzeug/cryptography, which are installed with apt as usual.
#
# Idempotent: when .tools/moto/versions.txt exists and moto imports, it only says so. Needs root for the
# apt-get install of moto's runtime dependencies (skipped when they are all present already).
#
# Env:
#   MOTO_TOOLS_DIR   where to put it (default <repo>/.tools/moto)
#   MOTO_DEB_MIRROR  Debian mirror URI (default: read from the system's apt sources)
#   MOTO_FORCE=1     set up again even when already set up
set -euo pipefail

started_ms=$(date +%s%3N)
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${MOTO_TOOLS_DIR:-$repo/.tools/moto}
python=/usr/bin/python3
suite=trixie
# moto 5.1 is what the SageMaker lifecycle plugin (test/emulators/moto/sagemakerLifecycle.py) was written against;
# a different minor moves the internals it patches, so a newer trixie point release is fine, another minor is not.
moto_version_pattern='^5\.1\.'
trixie_packages=(python3-moto python3-botocore python3-boto3 python3-s3transfer python3-responses)
# moto's runtime dependencies from bookworm. Checked against what moto 5.1.1 imports to serve S3, SageMaker,
# CloudWatch Logs, STS and IAM (moto/server.py, moto/core, the five services, moto/utilities) and what the
# trixie botocore/boto3/responses .debs declare: flask + flask-cors + werkzeug (the server), jinja2/markupsafe
# (XML responses), cryptography, dateutil, requests/urllib3, xmltodict, yaml, jmespath, six (botocore).
# antlr4 is only for Step Functions but python3-moto Depends on it. Not installed because unused here:
# py-partiql-parser (S3 Select only; not in bookworm), joserfc, jsonpath-ng, docker, aws-xray-sdk.
bookworm_packages=(
  python3-flask python3-flask-cors python3-werkzeug python3-jinja2 python3-markupsafe python3-cryptography
  python3-dateutil python3-requests python3-xmltodict python3-antlr4 python3-yaml python3-jmespath python3-urllib3
  python3-six
)
modules_to_check='moto, moto.server, moto.s3.models, moto.sagemaker.models, moto.logs.models, moto.sts.models, moto.iam.models, boto3, responses'

say() {
  local ms=$(($(date +%s%3N) - started_ms))
  printf 'setup-moto: %s (%d.%ds)\n' "$1" $((ms / 1000)) $((ms % 1000 / 100))
}
fail() { echo "setup-moto: ERROR: $*" >&2; exit 1; }

moto_imports() {
  PYTHONPATH="$1/usr/lib/python3/dist-packages" "$python" -c "import $modules_to_check" 2>"${2:-/dev/null}"
}

if [[ -z ${MOTO_FORCE:-} && -s $dest/versions.txt ]] && moto_imports "$dest/root"; then
  say "already set up in ${dest#"$repo"/}: $(tr '\n' ' ' < "$dest/versions.txt" | sed 's/ $//')"
  exit 0
fi

[[ -x $python ]] || fail "$python is missing; install Debian's python3 (apt-get install -y python3)."

# 1. moto's runtime dependencies from the machine's own suite.
missing=()
for p in "${bookworm_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || fail "missing Debian packages ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}"
  # A fresh machine may have no or stale package lists; update only when the first attempt fails.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# 2. The mirror the machine already uses (a deb822 debian.sources on bookworm images, else sources.list).
mirror=${MOTO_DEB_MIRROR:-}
if [[ -z $mirror && -r /etc/apt/sources.list.d/debian.sources ]]; then
  # The URI of the first stanza whose Suites name the plain release (not -security/-updates).
  mirror=$(awk '
    /^[[:space:]]*$/ { if (uri != "" && plain) { print uri; exit } uri = ""; plain = 0; next }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) plain = 1 }
    END { if (uri != "" && plain) print uri }' /etc/apt/sources.list.d/debian.sources | head -n1)
fi
if [[ -z $mirror && -r /etc/apt/sources.list ]]; then
  mirror=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/) { print $i; exit } }' \
    /etc/apt/sources.list)
fi
[[ -n $mirror ]] || fail "could not read a Debian mirror URI from /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list; set MOTO_DEB_MIRROR."

# 3. A private apt configuration: only trixie's lists, in our own folder. SourceParts=/dev/null keeps the
#    system's sources out, and the system's own lists and cache are never written.
apt_dir=$dest/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $mirror $suite main" > "$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Acquire::Languages=none"
  -o "APT::Get::List-Cleanup=false"
  # The folder is ours (root-owned); without this apt warns that _apt cannot write the downloaded .debs.
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update -qq || fail "apt-get update of $suite from $mirror failed (is the Debian mirror reachable?)"

declare -A versions
for p in "${trixie_packages[@]}"; do
  v=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$p" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
  [[ -n $v ]] || fail "$suite has no package $p any more"
  versions[$p]=$v
done
[[ ${versions[python3-moto]} =~ $moto_version_pattern ]] ||
  fail "$suite now has python3-moto ${versions[python3-moto]}, not 5.1.x; test/emulators/moto/sagemakerLifecycle.py patches moto 5.1 internals, check them against the new version and update moto_version_pattern in scripts/setup-moto.sh."

rm -f "$apt_dir/debs"/*.deb
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" download -qq "${trixie_packages[@]}") ||
  fail "apt-get download ${trixie_packages[*]} from $suite failed"

# 4. Unpack into a fresh folder and swap it in, so an interrupted run never leaves a half-unpacked root.
staging=$dest/root.new
rm -rf "$staging"
mkdir -p "$staging"
for deb in "$apt_dir/debs"/*.deb; do dpkg-deb -x "$deb" "$staging"; done
err=$(mktemp)
moto_imports "$staging" "$err" || { cat "$err" >&2; rm -f "$err"; fail "moto does not import with $python; a dependency is missing (see above)."; }
rm -f "$err"
rm -rf "$dest/root"
mv "$staging" "$dest/root"

for p in "${trixie_packages[@]}"; do echo "$p=${versions[$p]}"; done > "$dest/versions.txt"
say "installed from $suite (${mirror}) into ${dest#"$repo"/}: $(tr '\n' ' ' < "$dest/versions.txt" | sed 's/ $//')"
