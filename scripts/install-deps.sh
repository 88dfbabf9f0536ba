#!/usr/bin/env bash
# Installs the Debian 12 packages medcode needs to build and test, only those missing.
set -eu
pkgs=(build-essential clang libclang-rt-14-dev unzip curl
      libexpat1-dev libjansson-dev libpcre2-dev libxxhash-dev libstemmer-dev
      libutf8proc-dev libsqlite3-dev libsodium-dev libmicrohttpd-dev jq python3)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
