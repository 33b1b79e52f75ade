#!/usr/bin/env bash
# Installs what spamgraph needs on Debian 12 (idempotent: packages already present are skipped).
#   scripts/setup.sh           what building, testing and the demo need
#   scripts/setup.sh aarch64   also Debian's cross compiler for 64-bit ARM and the arm64
#                              -dev packages of the libraries (multiarch), for
#                              `scripts/build.sh aarch64`
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev libmaxminddb-dev mmdb-bin
  libsqlite3-dev sqlite3 libcli11-dev doctest-dev libc-ares-dev
  libpsl-dev libidn2-dev libbz2-dev zlib1g-dev liblzma-dev libfmt-dev libssl-dev
  libgraphviz-dev
  clang-14 libclang-rt-14-dev python3 time
  unbound dnsutils
  libmaxmind-db-writer-perl python3-pyasn
  spamassassin bgpdump
  dovecot-imapd dovecot-pop3d openssl curl
  chromium fonts-noto-cjk python3-markdown cmark
)
# spamassassin: its Received parser is the reference test_spamassassin_received compares
# ours with, through tests/spamassassin_relays.pl. bgpdump: the reference `bgp dump`
# is compared with (test_mrt) and timed against (bench/mrt.sh), like python3-pyasn.
# dovecot-imapd, dovecot-pop3d: the real mail server `pull` is tested against
# (tests/dovecot_test_server.*, started by the tests on 127.0.0.1, never as a service);
# openssl makes its self-signed certificate; curl is bench/imap.sh's comparison.
# chromium opens the HTML report headless in test_report_html (fonts-noto-cjk draws its
# Japanese); python3-markdown and cmark render the Markdown report in test_report_markdown.
# npm fetches the pinned ip-location-db ASN data below; a node install from elsewhere will do.
command -v npm >/dev/null 2>&1 || packages+=(npm)
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
for part in "$@"; do
  case "$part" in
    aarch64)
      # The libraries' arm64 headers and CMake/pkg-config files the Debian way:
      # multiarch -dev packages, installed beside the native ones (all are
      # Multi-Arch: same; nlohmann-json, CLI11 and doctest are the same for all).
      # Not Graphviz: libgraphviz-dev:arm64 depends on libgvc6-plugins-gtk:arm64, an
      # arm64 GTK stack; the aarch64 flavour links nothing and compiles against the
      # native /usr/include/graphviz, the same files for every architecture (CMakeLists.txt).
      packages+=(g++-aarch64-linux-gnu)
      for p in libcurl4-openssl-dev libmaxminddb-dev libsqlite3-dev libc-ares-dev libpsl-dev libidn2-dev \
               libbz2-dev zlib1g-dev libfmt-dev libssl-dev; do
        packages+=("$p:arm64")
      done
      dpkg --print-foreign-architectures | grep -qx arm64 || $sudo_cmd dpkg --add-architecture arm64 ;;
    *) echo "usage: scripts/setup.sh [aarch64]" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Offline IP-to-ASN data for tests, the benchmark and the demo: ip-location-db's ASN
# CSVs (RouteViews + DB-IP, CC-BY-4.0), pinned. The folder name carries the version,
# whose digits are the data's date (2026-06-17), which `data import` reads as its date.
asn_version=2.3.2026061719
repo=$(cd "$(dirname "$0")/.." && pwd)
asn_dir="$repo/data/downloads/ip-location-db-asn-$asn_version"
if [ ! -s "$asn_dir/asn-ipv6-num.csv" ]; then
  echo "setup: fetching @ip-location-db/asn@$asn_version from the npm registry" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@ip-location-db/asn@$asn_version" >/dev/null)
  mkdir -p "$tmp/x"
  tar -xzf "$tmp"/ip-location-db-asn-*.tgz -C "$tmp/x"
  mkdir -p "$asn_dir.partial"
  cp "$tmp"/x/package/* "$asn_dir.partial/"
  rm -rf "$asn_dir"
  mv "$asn_dir.partial" "$asn_dir"
fi
