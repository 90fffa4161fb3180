#!/usr/bin/env bash
# Set up (if needed) and start motcua_desk on its embedded default: local SQLite in the user's
# data directory, the sample catalogue, and the first-run wizard. Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/motcua-desk "$@"
