#!/usr/bin/env bash
# ./dev screenshots: the README's pictures, taken from the real web client on the demo
# database (ODOO_DB, default credit_demo, prepared as ./dev serve prepares it) by an Odoo
# started on a free port and stopped afterwards. PNGs go to docs/screenshots/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_odoo
pg_ensure
db="${ODOO_DB:-credit_demo}"
out="${SCREENSHOTS_DIR:-$ROOT/docs/screenshots}"
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || die "Chromium is missing: run ./dev install (as root)"

# The database as ./dev serve makes it: created with demo data, or brought up to date.
log="$LOCAL/screenshots-server.log"
say "Preparing $db as ./dev serve does (log in $log)"
ODOO_DB="$db" bash "$ROOT/tools/serve.sh" --stop-after-init --no-http >"$log" 2>&1 \
  || { tail -20 "$log" >&2; die "the demo database $db could not be prepared"; }

port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "Starting Odoo on $db, port $port (log in $log)"
(cd / && exec "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$db" --db-filter="^$db\$" --http-interface=127.0.0.1 \
  --http-port="$port" --gevent-port=0 --max-cron-threads=0 --log-level=warn) >>"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
up() { "$PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)" "$1" 2>/dev/null; }
for _ in $(seq 120); do
  up "http://127.0.0.1:$port/web/login?db=$db" && break
  kill -0 "$server" 2>/dev/null || { tail -20 "$log" >&2; die "Odoo did not start"; }
  sleep 1
done
up "http://127.0.0.1:$port/web/login?db=$db" || die "Odoo did not answer on port $port within 2 minutes"
"$PYTHON" "$ROOT/tools/screenshots.py" --url "http://127.0.0.1:$port" --db "$db" --out "$out"
