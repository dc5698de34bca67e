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
  for name in "$db" "${db}_odoo" "${db}_lifecycle"; do
    dropdb --if-exists "$name" 2>/dev/null || true
    rm -rf "$LOCAL/data/filestore/$name"
  done
}
trap cleanup EXIT

say "Creating database $db with $addons"
(cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "$db" -m "$addons" --no-demo --cache-max-age 7) \
  || die "the database could not be created with the addons installed"

IFS=, read -r -a names <<<"$addons"
paths=()
for name in "${names[@]}"; do [ -d "$ROOT/$name/tests" ] && paths+=("$name/tests"); done
[ -d "$ROOT/tests" ] && paths+=("tests")
# tests/demo reads the demo database (below), not this one.
ignore=()
[ -d "$ROOT/tests/demo" ] && ignore=(--ignore=tests/demo)

say "Running the tests"
set +e
(cd "$ROOT" && "$PYTHON" -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" --odoo-database="$db" \
  --odoo-log-level=critical --odoo-http -q -ra "${ignore[@]}" "${paths[@]}" "$@") | tee "$LOCAL/pytest-$db.log"
rc=${PIPESTATUS[0]}
set -e
case $rc in
  0) say "All tests of the suite passed" ;;
  5) die "pytest collected no test: this is a failure, never a silent skip" ;;
  *) die "tests failed (pytest exit code $rc)" ;;
esac
ours_passed=$(grep -Eo '[0-9]+ passed' "$LOCAL/pytest-$db.log" | tail -n 1 | grep -Eo '[0-9]+')
rm -f "$LOCAL/pytest-$db.log"

# The demo tells its stories: tests/demo on the demo database, as ./dev serve makes it (made
# once a day). Run by default; skipped when pytest arguments select tests, unless
# DEMO_TESTS=1 (DEMO_TESTS=0 skips them always).
if [ -d "$ROOT/tests/demo" ] && [ "${DEMO_TESTS:-$([ $# -eq 0 ] && echo 1 || echo 0)}" = 1 ]; then
  demo_db="$(demo_test_db)"
  say "Running the demo tests on $demo_db"
  set +e
  (cd "$ROOT" && CREDIT_DEMO_TESTS=1 "$PYTHON" -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" \
    --odoo-database="$demo_db" --odoo-log-level=critical -q -ra tests/demo "$@") | tee "$LOCAL/pytest-$demo_db.log"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || die "the demo tests failed (pytest exit code $rc)"
  demo_passed=$(grep -Eo '[0-9]+ passed' "$LOCAL/pytest-$demo_db.log" | tail -n 1 | grep -Eo '[0-9]+')
  rm -f "$LOCAL/pytest-$demo_db.log"
  ours_passed=$((ours_passed + demo_passed))
  say "The demo tells its stories ($demo_passed tests passed)"
fi

# Upgrade and uninstall (tools/lifecycle.py): on a database with the suite and a data set
# made by the script, -u of every addon keeps every figure; each addon uninstalled (on its
# own copy) leaves sales and invoicing working. Run by default; skipped when pytest
# arguments select tests, unless LIFECYCLE_TESTS=1 (LIFECYCLE_TESTS=0 skips them always).
if [ "${LIFECYCLE_TESTS:-$([ $# -eq 0 ] && echo 1 || echo 0)}" = 1 ]; then
  say "Upgrade and uninstall tests"
  (cd "$ROOT" && click-odoo-initdb -c "$ODOO_CONF" -n "${db}_lifecycle" -m "$addons" --no-demo --cache-max-age 7) \
    || die "the database of the upgrade and uninstall tests could not be created"
  set +e
  (cd / && "$PYTHON" "$ROOT/tools/lifecycle.py" -c "$ODOO_CONF" run --template "${db}_lifecycle" "$addons") \
    | tee "$LOCAL/lifecycle-$db.log"
  rc=${PIPESTATUS[0]}
  set -e
  summary=$(grep -E '^lifecycle: [0-9]+ passed, [0-9]+ failed' "$LOCAL/lifecycle-$db.log" | tail -n 1)
  rm -f "$LOCAL/lifecycle-$db.log"
  [ -n "$summary" ] || die "the upgrade and uninstall tests did not run (exit code $rc)"
  [ "$rc" = 0 ] || die "the upgrade and uninstall tests failed: $summary"
  lifecycle_passed=$(sed -E 's/^lifecycle: ([0-9]+) passed.*/\1/' <<<"$summary")
  ours_passed=$((ours_passed + lifecycle_passed))
  say "Upgrade and uninstall: $summary"
fi

# Odoo's own tests, on a database as integrators have one: Odoo with its demo data, then
# the suite installed on it without demo. Run by default; skipped when pytest arguments
# select some tests, unless ODOO_OWN_TESTS=1 (ODOO_OWN_TESTS=0 skips them always).
if [ "${ODOO_OWN_TESTS:-$([ $# -eq 0 ] && echo 1 || echo 0)}" = 1 ]; then
  # The bridges that bring other apps (website_sale, stock, queue_job) stay out: Odoo runs
  # sale's at-install tests before those apps' fields are loaded, whose NOT NULL columns
  # then refuse its records (plain Odoo does the same with those apps installed).
  own_addons="$(echo "$addons" | tr ',' '\n' | grep -vxE 'credit_control_(website_sale|stock|queue_job)' | paste -sd,)"
  run_odoo_own_tests "${db}_odoo" "$own_addons"
  echo "total: $((ours_passed + ODOO_OWN_PASSED)) passed, 0 failed"
fi
