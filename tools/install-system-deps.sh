#!/usr/bin/env bash
# Installs the Debian packages migsim builds against, if any is missing. Idempotent and quick
# when everything is present (one dpkg query, no network).
set -euo pipefail
packages=(
  build-essential pkg-config
  libhdf5-dev libtbb-dev libeigen3-dev libboost-dev libyaml-cpp-dev libcli11-dev
  libgtest-dev librandom123-dev clang-format
  clang libclang-rt-dev  # make fuzz: libFuzzer and clang's sanitizer runtimes (make test-sanitize uses gcc's)
  libopenmpi-dev openmpi-bin
  chromium chromium-driver  # tests/python/test_report.py opens the HTML report in headless Chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
