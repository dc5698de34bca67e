#!/usr/bin/env bash
# ./dev bench [script...]: runs the benchmark scripts of benchmarks/ in a fresh database
# with our addons, and prints their figures. The database is dropped afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="credit_bench_$(date +%s)_$$"
trap 'dropdb --if-exists "$db" 2>/dev/null || true; rm -rf "$LOCAL/data/filestore/$db"' EXIT
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$(project_addons)" --no-demo --cache-max-age 7)
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$ROOT"/benchmarks/bench_*.py)
for script in "${scripts[@]}"; do
  script="$(realpath "$script")"
  say "$(basename "$script")"
  (cd / && click-odoo -c "$ODOO_CONF" -d "$db" "$script")
done
