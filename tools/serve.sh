#!/usr/bin/env bash
# ./dev serve: Odoo on http://localhost:8069 (ODOO_HTTP_PORT) serving our addons in the
# demo database (ODOO_DB, default credit_demo), created with demo data on first use, with the
# Sales and Invoicing apps (DEMO_APPS in lib.sh) installed next to them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${ODOO_DB:-credit_demo}"
DEMO_MODULES="$(demo_modules)"
if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  say "Creating the demo database $db (a few minutes the first time)"
  (cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$DEMO_MODULES" --demo --no-cache)
else
  # An existing database gets the apps and addons added since it was made, and the changed ones updated.
  say "Bringing $db up to date with the addons"
  installed=",$(psql -d "$db" -tAc "SELECT string_agg(name, ',') FROM ir_module_module WHERE state = 'installed'"),"
  missing=""
  for addon in ${DEMO_MODULES//,/ }; do
    [[ "$installed" == *",$addon,"* ]] || missing="${missing:+$missing,}$addon"
  done
  if [ -n "$missing" ]; then
    say "Installing $missing"
    (cd / && "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$db" -i "$missing" --stop-after-init --no-http >/dev/null)
  fi
  (cd / && click-odoo-update -c "$ODOO_CONF" -d "$db")
fi
say "Serving $db on http://localhost:${ODOO_HTTP_PORT:-8069} (login admin / admin)"
cd / && exec "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$db" --db-filter="^$db\$" \
  --http-interface="${ODOO_HTTP_INTERFACE:-127.0.0.1}" --http-port="${ODOO_HTTP_PORT:-8069}" "$@"
