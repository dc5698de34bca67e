#!/usr/bin/env bash
# ./dev install: everything the commands need, on a fresh machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

say "Python dependencies (requirements.txt)"
# Odoo addons from PyPI (odoo-addon-*) declare a dependency on the odoo distribution,
# which an Odoo installed from its repository does not satisfy: they go without it.
"$PYTHON" -m pip install --quiet --disable-pip-version-check -r <(grep -v '^odoo-addon-' "$ROOT/requirements.txt")
mapfile -t odoo_addons < <(grep '^odoo-addon-' "$ROOT/requirements.txt" || true)
if [ ${#odoo_addons[@]} -gt 0 ]; then
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps "${odoo_addons[@]}"
fi

say "OCA addons of the comparison benchmark (./dev bench-oca) into $LOCAL/oca"
# Apart from Odoo's addons path: tests and ./dev serve never see them.
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps --upgrade --target "$LOCAL/oca" \
  -r "$ROOT/tools/oca_requirements.txt"

if odoo_version_ok; then
  say "Odoo 18.0 already importable: $(cd / && "$PYTHON" -c 'import odoo; print(odoo.__path__[0])')"
else
  ODOO_SRC="${ODOO_SRC:-$HOME/.local/src/odoo-18.0}"
  if [ ! -d "$ODOO_SRC/.git" ]; then
    say "Cloning Odoo 18.0 from its official repository into $ODOO_SRC"
    git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC"
  fi
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ODOO_SRC"
  odoo_version_ok || die "Odoo 18.0 still not importable after installing $ODOO_SRC"
fi

if [ -z "${PGHOST:-}" ] && [ -z "$(pg_bindir)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing the PostgreSQL server from the distribution"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    die "No PostgreSQL server binaries: install PostgreSQL 13+ (initdb, pg_ctl) or set PGHOST."
  fi
fi
# What users of the addons need from the distribution: wkhtmltopdf prints the dunning
# letters as PDF, Chromium runs the browser tours of the tests.
missing_debs=()
command -v wkhtmltopdf >/dev/null 2>&1 || missing_debs+=(wkhtmltopdf)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing_debs+=(chromium)
if [ ${#missing_debs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing ${missing_debs[*]} from the distribution"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    say "WARNING: ${missing_debs[*]} missing: letters stay HTML (their PDF test is skipped) and the browser tours fail (install them as root)"
  fi
fi
say "Ready: PostgreSQL binaries in ${PGHOST:-$(pg_bindir)}"
