#!/usr/bin/env bash
# Installs the Debian packages erc needs, only those that are missing.
#   scripts/setup.sh build   C libraries and the font (for `make build`, `make demo`)
#   scripts/setup.sh test    the above, plus a PostgreSQL server and the tools tests check output with
#   scripts/setup.sh bench   the above, plus wrk for `erc-bench api`
set -euo pipefail

build_pkgs=(pkg-config libpq-dev libhpdf-dev libqrencode-dev libxml2-dev libsqlite3-dev libcurl4-openssl-dev fonts-dejavu-core)
test_pkgs=(postgresql poppler-utils zbar-tools libxml2-utils netpbm python3-aiosmtpd)
# The load generator of `erc-bench api`.
bench_pkgs=(wrk)

want=("${build_pkgs[@]}")
case "${1:-build}" in
    test) want+=("${test_pkgs[@]}") ;;
    bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (swift 6.1 or later) is not on PATH" >&2
    exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
