#!/usr/bin/env bash
# Makes sure real PostgreSQL 15 (with contrib's pageinspect) is on this machine,
# because the differential tests compare our bytes and answers with it.
# Already there: does nothing. Missing on Debian as root: installs Debian's
# postgresql-15 package without creating or starting its default cluster.
# Otherwise: says what to install and fails.
set -euo pipefail

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ] || ! "$bindir/postgres" --version 2>/dev/null | grep -q ' 15\.'; then
  bindir=/usr/lib/postgresql/15/bin
fi
# Debian keeps extensions in /usr/share/postgresql/<major>/extension.
sharedir="/usr/share/postgresql/$(basename "$(dirname "$bindir")")"

if [ -x "$bindir/postgres" ] && [ -f "$sharedir/extension/pageinspect.control" ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL 15 not found: installing Debian's postgresql-15 (for the differential tests)" >&2
  mkdir -p /etc/postgresql-common
  # Install the binaries only: no 'main' cluster created or started on port 5432.
  if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
    echo 'create_main_cluster = false' >>/etc/postgresql-common/createcluster.conf
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  exit 0
fi

cat >&2 <<'MSG'
The tests need real PostgreSQL 15 with contrib's pageinspect (they compare
this engine with it). Install it, e.g. on Debian or Ubuntu:
    sudo apt-get install postgresql-15
or point PG_BINDIR at the directory holding PostgreSQL 15's postgres and initdb.
MSG
exit 1
