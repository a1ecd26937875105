#!/usr/bin/env bash
# Starts a real PostgreSQL 15 for the monolith's (legacy) database: tests, CI, `make up LEGACY=1` and the
# migration benchmark. Reuses the one already running for this checkout. The last (and only) line on
# stdout is
#   LEGACY_DATABASE_URL=postgresql://hexa@127.0.0.1:<port>/hexabuilders
# so callers can `eval "$(infra/postgres/start.sh)"`. Progress and errors go to stderr.
#
# Debian's server binaries (/usr/lib/postgresql/15/bin; `apt-get install postgresql` when missing and we
# are root), a free loopback port (PGPORT to choose one), data under .hexa/postgres. initdb and postgres
# refuse to run as root, so as root the server runs as the user hexa-pg. Loopback only, trust
# authentication: a throw-away development server with no secret to keep. Stop it with stop.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

emit_url() { echo "LEGACY_DATABASE_URL=postgresql://${PG_SUPERUSER}@127.0.0.1:$(cat "$PG_PORTFILE")/${PG_DATABASE}"; }

if pg_running; then emit_url; exit 0; fi

# --- binaries -------------------------------------------------------------------------------------------
if [[ ! -x $PG_BIN/postgres ]]; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        pg_note "installing Debian package postgresql (PostgreSQL 15 server)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 \
            || pg_die "apt-get install postgresql failed"
    fi
    [[ -x $PG_BIN/postgres ]] || pg_die "no PostgreSQL 15 server in $PG_BIN (Debian package postgresql-15)"
fi

# --- one start at a time per checkout ---------------------------------------------------------------------
mkdir -p "$PG_HOME"
exec 8>"$PG_HOME/.lock"
flock -w 120 8 || pg_die "timed out waiting for another start.sh ($PG_HOME/.lock)"
if pg_running; then emit_url; exit 0; fi

if [[ $EUID -eq 0 ]]; then
    id -u "$PG_USER" >/dev/null 2>&1 || useradd --system --home-dir "/var/lib/$PG_USER" --shell /usr/sbin/nologin "$PG_USER"
    if ! runuser -u "$PG_USER" -- test -x "$PG_HOME"; then  # e.g. a checkout under /root (mode 700)
        PG_RUN="/var/lib/$PG_USER/$(basename "$PG_ROOT")-$(echo "$PG_ROOT" | cksum | cut -d' ' -f1)"
        pg_note "$PG_HOME is not reachable by $PG_USER; keeping its data, sockets and log in $PG_RUN instead"
        echo "$PG_RUN" >"$PG_HOME/run-dir"
        PG_SOCKETS="$PG_RUN/sockets" PG_DATA="$PG_RUN/data" PG_LOG="$PG_RUN/server.log"
    fi
    cd /  # the server's user starts in a directory it can enter
fi
run_as() { if [[ $EUID -eq 0 ]]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

mkdir -p "$PG_DATA" "$PG_SOCKETS"
[[ $EUID -eq 0 ]] && chown -R "$PG_USER" "$PG_RUN" "$PG_HOME"

# --- 1. initdb once ----------------------------------------------------------------------------------------
if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    pg_note "initialising a cluster in $PG_DATA"
    run_as "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        >"$PG_HOME/initdb.log" 2>&1 || { cat "$PG_HOME/initdb.log" >&2; pg_die "initdb failed"; }
fi

# --- 2. a free loopback port ---------------------------------------------------------------------------------
port="${PGPORT:-}"
if [[ -z $port ]]; then
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi
echo "$port" >"$PG_PORTFILE"

# --- 3. start, wait ------------------------------------------------------------------------------------------
pg_note "starting PostgreSQL on 127.0.0.1:$port"
run_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_SOCKETS -c max_connections=200 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
    || { tail -n 30 "$PG_LOG" >&2; pg_die "the server did not start (log: $PG_LOG)"; }
"$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" -d postgres -Atqc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'" | grep -q 1 \
    || "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" "$PG_DATABASE"
emit_url
