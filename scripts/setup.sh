#!/usr/bin/env bash
# Installs what spamgraph needs on Debian 12 (idempotent: packages already present are skipped).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev libmaxminddb-dev mmdb-bin
  libsqlite3-dev sqlite3 libcli11-dev doctest-dev libc-ares-dev
  libpsl-dev libidn2-dev libbz2-dev zlib1g-dev liblzma-dev libfmt-dev libssl-dev
  clang-14 libclang-rt-14-dev python3 time
  unbound dnsutils
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
