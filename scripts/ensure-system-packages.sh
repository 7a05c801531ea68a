#!/usr/bin/env bash
# Installs Debian packages the project needs when their commands are missing.
# Usage: ensure-system-packages.sh redis | browser
set -euo pipefail
need=()
case "${1:-}" in
  redis)   command -v redis-server >/dev/null 2>&1 || need+=(redis-server) ;;
  browser) command -v chromium >/dev/null 2>&1 || need+=(chromium)
           command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver) ;;
  *) echo "usage: $0 redis|browser" >&2; exit 2 ;;
esac
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Please install as root: apt-get install ${need[*]}" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
