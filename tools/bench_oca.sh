#!/usr/bin/env bash
# ./dev bench-oca DB [--rounds N --only dunning|settlements --keep --oca-addons PATH --output FILE]:
# the suite's dunning plan and settlement generation side by side with OCA's
# account_credit_control and commission_oca (benchmarks/bench_oca.py), as JSON. DB is only
# read; the OCA addons go into copies of it (dropped after unless --keep).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${1:?usage: ./dev bench-oca DB [options of benchmarks/bench_oca.py]}"
shift
args=(--oca-addons "$OCA_ADDONS")
while [ $# -gt 0 ]; do
  case "$1" in
    --output|--oca-addons) args+=("$1" "$(realpath -m "$2")"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
(cd / && "$PYTHON" "$ROOT/benchmarks/bench_oca.py" "$db" -c "$ODOO_CONF" "${args[@]}")
