#!/usr/bin/env bash
# The whole test suite: lint, types, import layering, unit/storage/printing/sync/UI tests
# offscreen, the real-window tests under Xvfb, printing through a CUPS-PDF queue and server
# tests on PostgreSQL (both when the machine allows; always in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
V=.venv/bin

echo "== ruff"; $V/ruff check src tests bench
echo "== ruff format"; $V/ruff format --check src tests bench
echo "== mypy"; $V/mypy
echo "== import-linter"; $V/lint-imports

# Services the integration tests use; each helper prints shell assignments or nothing.
if [ -z "${MOTCUA_TEST_PRINTER:-}" ] && [ "$(id -u)" -eq 0 ] && [ -x ../shared/tools/start_cups.sh ]; then
  eval "$(../shared/tools/start_cups.sh "$(mktemp -d)" 2>/dev/null)" && export MOTCUA_TEST_PRINTER="$PRINTER" MOTCUA_TEST_PDF_DIR="$PDF_OUT_DIR" || true
fi
if [ -z "${MOTCUA_TEST_PG_URL:-}" ] && [ -x scripts/start_postgres.sh ]; then
  if eval "$(scripts/start_postgres.sh 2>/dev/null)" && [ -n "${MOTCUA_TEST_PG_DIR:-}" ]; then
    trap 'scripts/start_postgres.sh --stop "$MOTCUA_TEST_PG_DIR"' EXIT
  fi
fi

# The frozen-build smoke test (about a minute) always runs in CI; elsewhere on request.
[ "${CI:-}" = "true" ] && export MOTCUA_TEST_FROZEN=${MOTCUA_TEST_FROZEN:-1}

echo "== pytest (offscreen)"
$V/python -m pytest -ra -m "not x11" "$@"
echo "== pytest (Xvfb window tests)"
set +e
xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb $V/python -m pytest -m x11 "$@"
rc=$?
set -e
# 5 = no test collected, which is fine while there are no x11 tests.
[ $rc -eq 0 ] || [ $rc -eq 5 ] || exit $rc
