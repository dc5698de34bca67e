#!/usr/bin/env bash
# ./dev bench [script...]: runs the benchmark scripts of benchmarks/ in a fresh database
# with our addons, and prints their figures. The database is dropped afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="credit_bench_$(date +%s)_$$"
trap 'for name in "$db" "${db}_plain"; do dropdb --if-exists "$name" 2>/dev/null || true; rm -rf "$LOCAL/data/filestore/$name"; done' EXIT
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$(project_addons)" --no-demo --cache-max-age 7)
# Plain Odoo beside it, for the benchmarks that compare with it (BENCH_PLAIN_DB).
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "${db}_plain" -m "$DEMO_APPS" --no-demo --cache-max-age 7)
export BENCH_PLAIN_DB="${db}_plain"
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$ROOT"/benchmarks/bench_*.py)
for script in "${scripts[@]}"; do
  script="$(realpath "$script")"
  say "$(basename "$script")"
  (cd / && click-odoo -c "$ODOO_CONF" -d "$db" "$script")
done
