#!/usr/bin/env bash
# Installs the Debian packages ImageGen builds against (and the default dataset), only those missing.
set -euo pipefail
packages=(libopenblas-dev libpng-dev libturbojpeg0-dev zlib1g-dev libarchive-dev libfreetype-dev fonts-dejavu-core dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
