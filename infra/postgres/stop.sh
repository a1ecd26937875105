#!/usr/bin/env bash
# Stops this checkout's PostgreSQL (started by start.sh). Does nothing when it is not running.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ -s $PG_DATA/postmaster.pid ]] || exit 0
cd /  # the server's user may not be able to enter the checkout
if [[ $EUID -eq 0 ]]; then
    runuser -u "$PG_USER" -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
else
    "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
fi
