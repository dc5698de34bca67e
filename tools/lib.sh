# Shared helpers of the ./dev commands (sourced, not run).
# The embedded PostgreSQL is a private cluster under .local/ (ignored by git), reached
# on a unix socket only. Setting PGHOST (and PGPORT, PGUSER, PGPASSWORD) points every
# command at an existing server instead.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
PYTHON="${PYTHON:-python3}"
ODOO_CONF="$LOCAL/odoo.conf"
# The OCA addons the benchmarks compare with (./dev bench-oca), installed by ./dev install
# outside the addons path of the tests and the server.
OCA_ADDONS="$LOCAL/oca/odoo/addons"

die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*" >&2; }

# Our addons: every folder of the repository with a manifest.
project_addons() {
  local dir names=()
  for dir in "$ROOT"/*/__manifest__.py; do names+=("$(basename "$(dirname "$dir")")"); done
  (IFS=,; echo "${names[*]}")
}

# Odoo's apps the demo database opens with, besides our addons (which depend on `sale`
# only): the Sales app with its menus, and Invoicing.
DEMO_APPS="sale_management,account"
demo_modules() { echo "$DEMO_APPS,$(project_addons)"; }

# The demo database the demo tests (tests/demo) read, made as ./dev serve makes it and kept
# for the day and for the addons' current files: its stories are dated from the day it was
# made. Databases of former days are dropped. Prints its name.
demo_test_db() {
  local hash db old
  hash=$(cd "$ROOT" && { echo "$DEMO_APPS"; find $(project_addons | tr , ' ') -type f -not -path '*/tests/*' \
    -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum; } | sha1sum | cut -c1-10)
  db="credit_demo_test_$(date +%Y%m%d)_$hash"
  for old in $(psql -d postgres -tAc "SELECT datname FROM pg_database WHERE datname LIKE 'credit\_demo\_test\_%'"); do
    if [[ "$old" != "credit_demo_test_$(date +%Y%m%d)_"* ]]; then
      dropdb --if-exists "$old" >&2 || true
      rm -rf "$LOCAL/data/filestore/$old"
    fi
  done
  if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    say "Creating the demo database $db for the demo tests (once a day, a few minutes)"
    (cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$(demo_modules)" --demo --no-cache) >&2 \
      || { dropdb --if-exists "$db" >&2; die "the demo database could not be created"; }
  fi
  echo "$db"
}

odoo_version_ok() {
  (cd / && "$PYTHON" -c 'import odoo.release as r, sys; sys.exit(r.version_info[:2] != (18, 0))') 2>/dev/null
}

require_odoo() {
  odoo_version_ok || die "Odoo 18.0 cannot be imported by $PYTHON. Run ./dev install first."
}

pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

# Runs a PostgreSQL server binary as the user allowed to run it: PostgreSQL refuses root.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster lives in .local/pg when the postgres user can reach it, else in /tmp.
pg_base() {
  local base="$LOCAL/pg"
  mkdir -p "$base"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$base"
    if ! runuser -u postgres -- test -w "$base"; then
      base="/tmp/credit-control-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
      mkdir -p "$base" && chown postgres: "$base"
    fi
  fi
  echo "$base"
}

pg_ensure() {
  export PGUSER="${PGUSER:-odoo}"
  if [ -n "${PGHOST:-}" ]; then
    export PGPORT="${PGPORT:-5432}"
    say "Using the PostgreSQL server at $PGHOST:$PGPORT as $PGUSER"
  else
    local bindir base
    bindir="$(pg_bindir)"
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] || die "PostgreSQL server binaries (initdb, pg_ctl) not found. Run ./dev install, install PostgreSQL 13+ or set PG_BINDIR; or set PGHOST to use an existing server."
    base="$(pg_base)"
    export PGHOST="$base/run" PGPORT="${PGPORT:-5439}"
    if [ ! -f "$base/data/PG_VERSION" ]; then
      say "Creating the private PostgreSQL cluster in $base"
      as_pg_owner mkdir -p "$base/run"
      as_pg_owner "$bindir/initdb" -D "$base/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
        || { cat "$base/initdb.log" >&2; die "initdb failed"; }
      # A throw-away development cluster: durability traded for speed.
      as_pg_owner bash -c "printf '%s\n' \"listen_addresses = ''\" 'fsync = off' 'synchronous_commit = off' 'full_page_writes = off' 'max_connections = 200' >> '$base/data/postgresql.conf'"
    fi
    if ! as_pg_owner "$bindir/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
      as_pg_owner mkdir -p "$base/run"
      as_pg_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w \
        -o "-k $base/run -p $PGPORT" start >/dev/null || { tail -20 "$base/server.log" >&2; die "PostgreSQL did not start"; }
    fi
    # Odoo refuses the postgres role: it gets a role of its own.
    if [ -z "$(psql -U postgres -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER'")" ]; then
      psql -q -U postgres -d postgres -c "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB" || die "cannot create role $PGUSER"
    fi
  fi
  pg_isready -q || die "PostgreSQL is not answering at ${PGHOST}:${PGPORT}"
  write_odoo_conf
}

write_odoo_conf() {
  local odoo_paths
  odoo_paths=$(cd / && "$PYTHON" -c 'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])') \
    || die "cannot read Odoo's addons path"
  mkdir -p "$LOCAL/data"
  cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $odoo_paths,$ROOT
data_dir = $LOCAL/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = ${PGPASSWORD:-False}
http_interface = ${ODOO_HTTP_INTERFACE:-127.0.0.1}
http_port = ${ODOO_HTTP_PORT:-8069}
without_demo = False
CONF
}

pg_env_print() { echo "PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER ODOO_CONF=$ODOO_CONF"; }

# Odoo's own tests (tools/odoo_own_tests.txt) on a database with Odoo's demo data and the
# suite installed without demo. Sets ODOO_OWN_PASSED; dies on any failure.
run_odoo_own_tests() {
  local db="$1" addons="$2" tags log summary
  tags=$(grep -Ev '^\s*(#|$)' "$ROOT/tools/odoo_own_tests.txt" | paste -sd, -)
  log="$LOCAL/odoo-own-tests-$db.log"
  say "Odoo's own tests ($tags) with the suite installed, log in $log"
  (cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m sale_management --demo --cache-max-age 7) \
    || die "the database for Odoo's own tests could not be created"
  (cd / && click-odoo -c "$ODOO_CONF" -d "$db" --log-level=warn "$ROOT/tools/install_without_demo.py" "$addons") \
    || die "the suite could not be installed on a database with Odoo's demo data"
  set +e
  (cd / && "$PYTHON" -m odoo -c "$ODOO_CONF" -d "$db" --test-tags "$tags" --stop-after-init \
    --http-port "${ODOO_TEST_HTTP_PORT:-$((20000 + $$ % 20000))}" --log-level=info) >"$log" 2>&1
  local rc=$?
  set -e
  grep -E ' (ERROR|CRITICAL) .*(FAIL|ERROR):' "$log" | sed 's/^[^ ]* [^ ]* [0-9]* //' >&2 || true
  summary=$(grep -E 'odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n 1)
  [ -n "$summary" ] || { tail -n 40 "$log" >&2; die "Odoo's own tests did not run (exit code $rc)"; }
  say "Odoo's own tests: ${summary#*odoo.tests.result: }"
  [ "$rc" = 0 ] && [[ "$summary" =~ :\ 0\ failed,\ 0\ error ]] || die "Odoo's own tests failed (see $log)"
  ODOO_OWN_PASSED=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$summary")
}
