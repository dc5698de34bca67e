#!/usr/bin/env bash
# ./dev bench-workers DB [--workers 1 2 --batch 25 --output FILE]: the dunning send through
# queue_job with 1 and 2 Odoo workers on copies of DB (made by ./dev bench-data), as JSON.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${1:?usage: ./dev bench-workers DB [options of benchmarks/bench_workers.py]}"
shift
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = --output ]; then args+=(--output "$(realpath -m "$2")"); shift 2; else args+=("$1"); shift; fi
done
(cd / && "$PYTHON" "$ROOT/benchmarks/bench_workers.py" "$db" -c "$ODOO_CONF" "${args[@]}")
