#!/usr/bin/env bash
# ./dev bench-suite DB [--output FILE --rounds N --orders N --reminders N ...]: the benchmark
# suite (benchmarks/run.py) on a database made by ./dev bench-data; one JSON report on stdout.
# Every measurement is rolled back: the database is left as it was.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${1:?usage: ./dev bench-suite DB [options of benchmarks/run.py]}"
shift
args=()
while [ $# -gt 0 ]; do
  # --output relative to where the command was typed (the script runs from /).
  if [ "$1" = --output ]; then args+=(--output "$(realpath -m "$2")"); shift 2; else args+=("$1"); shift; fi
done
(cd / && click-odoo -c "$ODOO_CONF" -d "$db" --log-level=error "$ROOT/benchmarks/run.py" -- "${args[@]}")
