#!/usr/bin/env bash
# ./dev test: lint, then a fresh database with our addons installed, every test run by
# pytest-odoo against it, and the database dropped. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$ROOT/tools/lint.sh"
require_odoo
pg_ensure
addons="$(project_addons)"
db="credit_test_$(date +%s)_$$"
cleanup() {
  dropdb --if-exists "$db" 2>/dev/null || true
  rm -rf "$LOCAL/data/filestore/$db"
}
trap cleanup EXIT

say "Creating database $db with $addons"
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$addons" --no-demo --cache-max-age 7) \
  || die "the database could not be created with the addons installed"

IFS=, read -r -a names <<<"$addons"
paths=()
for name in "${names[@]}"; do [ -d "$ROOT/$name/tests" ] && paths+=("$name/tests"); done
[ -d "$ROOT/tests" ] && paths+=("tests")

say "Running the tests"
set +e
(cd "$ROOT" && "$PYTHON" -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" --odoo-database="$db" \
  --odoo-log-level=critical --odoo-http -q -ra "${paths[@]}" "$@")
rc=$?
set -e
case $rc in
  0) say "All tests passed" ;;
  5) die "pytest collected no test: this is a failure, never a silent skip" ;;
  *) die "tests failed (pytest exit code $rc)" ;;
esac
