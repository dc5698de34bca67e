#!/usr/bin/env bash
# ./dev bench-data DB [--customers N --invoices N --orders N --payments N --scale F ...]:
# a new database DB with the addons and a mid-size company's data (benchmarks/generate.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${1:?usage: ./dev bench-data DB [options of benchmarks/generate.py]}"
shift
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$(project_addons)" --no-demo --cache-max-age 7)
(cd / && click-odoo -c "$ODOO_CONF" -d "$db" "$ROOT/benchmarks/generate.py" -- "$@")
