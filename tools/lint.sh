#!/usr/bin/env bash
# ./dev lint: ruff and the OCA's pylint-odoo checks, zero findings expected.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
say "ruff"
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
say "pylint-odoo"
IFS=, read -r -a addons <<<"$(project_addons)"
mapfile -t scripts < <(find tests benchmarks -name '*.py' 2>/dev/null)
"$PYTHON" -m pylint --rcfile="$ROOT/.pylintrc" "${addons[@]}" "${scripts[@]}"
