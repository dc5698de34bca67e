#!/usr/bin/env bash
# ./dev i18n DB: export each addon's terms from database DB (every addon installed) into its
# .pot, as Odoo writes it, and bring its fr.po in line: every term of the .pot, with the
# references Odoo needs to install it, keeping the French already written; terms gone from
# the code are dropped. Prints the terms still without French.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${1:?usage: ./dev i18n DATABASE (with every addon installed)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
IFS=, read -r -a addons <<<"$(project_addons)"
for addon in "${addons[@]}"; do
  (cd / && "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$db" --i18n-export="$tmp/$addon.pot" \
    --modules="$addon" --stop-after-init --no-http --log-level=warn)
done
"$PYTHON" "$ROOT/tools/i18n_sync.py" "$ROOT" "$tmp" "${addons[@]}"
