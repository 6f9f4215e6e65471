#!/usr/bin/env bash
# Debian packages the tests (or benchmarks) need: installed through apt when running as root,
# otherwise a clear message naming them. Usage: system-packages.sh [bench]
set -euo pipefail

packages=(chromium postgresql fonts-noto-cjk)
[ "${1:-}" = "bench" ] && packages+=(wrk)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包 / missing Debian packages: ${missing[*]}" >&2
  echo "请以 root 身份运行 / as root run: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
