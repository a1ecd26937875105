# Shared by start.sh and stop.sh (sourced, not executed): where this checkout's PostgreSQL lives.
#
# Knobs (all optional):
#   PG_BIN        server binaries                          (default /usr/lib/postgresql/15/bin)
#   HEXA_PG_HOME  state: port, logs, sockets, lock          (default <repo>/.hexa/postgres)
#   HEXA_PG_USER  user the server runs as when we are root  (default hexa-pg)
#   PGPORT        the port to listen on                      (default: a free one, remembered)

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_ROOT="$(cd "$HERE/../.." && pwd)"
PG_HOME="${HEXA_PG_HOME:-$PG_ROOT/.hexa/postgres}"
PG_USER="${HEXA_PG_USER:-hexa-pg}"
PG_SUPERUSER="hexa"
PG_DATABASE="hexabuilders"
PG_PORTFILE="$PG_HOME/port"
# what the server itself touches (data, sockets, its log): $PG_HOME, unless start.sh had to move it
# somewhere the server's user can reach (a checkout under a mode-700 directory, e.g. mktemp -d or /root)
PG_RUN="$(cat "$PG_HOME/run-dir" 2>/dev/null || echo "$PG_HOME")"
PG_SOCKETS="$PG_RUN/sockets"
PG_DATA="$PG_RUN/data"
PG_LOG="$PG_RUN/server.log"

pg_die() { echo "postgres: ERROR: $*" >&2; exit 1; }
pg_note() { echo "postgres: $*" >&2; }

# 0 when this checkout's server answers on its remembered port.
pg_running() {
    [[ -s $PG_PORTFILE && -x $PG_BIN/pg_isready ]] || return 1
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$PG_PORTFILE")" -t 2 2>/dev/null \
        && [[ -s $PG_DATA/postmaster.pid ]]
}
