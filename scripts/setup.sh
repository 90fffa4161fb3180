#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for motcua_desk: system packages (Qt runtime, fonts,
# Xvfb, CUPS-PDF, PostgreSQL for server tests) and a virtual environment in .venv.
# Idempotent: a second run only checks. Usage: scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-pip
  libegl1 libgl1 libx11-6 libglib2.0-0 libxkbcommon0 libfontconfig1 libdbus-1-3 libcups2
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-render0
  libxcb-shape0 libxcb-util1 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth xdotool
  fonts-dejavu-core fonts-liberation2
  cups cups-client printer-driver-cups-pdf poppler-utils
  softhsm2
  postgresql
  systemd
  sane-utils libsane1 tesseract-ocr tesseract-ocr-vie ghostscript
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PY" -m venv .venv
fi
stamp=.venv/.motcua-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,postgres,build,server]"
  touch "$stamp"
fi
