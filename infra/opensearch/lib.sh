# Shared by start.sh and stop.sh (sourced, not executed). Computes every path from the environment
# so that both scripts agree on where the distribution, the pid file and the logs live.
#
# Knobs (all optional):
#   OPENSEARCH_VERSION    2.19.x to run                       (default 2.19.6)
#   OPENSEARCH_PORT       HTTP port on 127.0.0.1               (default 9200)
#   HEXA_CACHE            cache root                           (default $HOME/.cache/hexabuilders)
#   OPENSEARCH_CACHE_DIR  download + unpacked distribution     (default $HEXA_CACHE/opensearch-<version>)
#   OPENSEARCH_DATA_DIR   config, data, logs, pid of the node  (default: see below)
#   OPENSEARCH_USER       user the server runs as when we are root (default hexa-search)

OS_VERSION="${OPENSEARCH_VERSION:-2.19.6}"
OS_PORT="${OPENSEARCH_PORT:-9200}"
OS_URL="http://127.0.0.1:${OS_PORT}"
OS_CACHE="${OPENSEARCH_CACHE_DIR:-${HEXA_CACHE:-$HOME/.cache/hexabuilders}/opensearch-${OS_VERSION}}"
OS_DIST="${OS_CACHE}/opensearch-${OS_VERSION}"     # unpacked distribution (read-only at run time)
OS_USER="${OPENSEARCH_USER:-hexa-search}"

if [[ $EUID -eq 0 ]]; then
    # OpenSearch refuses to run as root, so it runs as $OS_USER. $HOME is usually /root (mode 700), which
    # that user cannot traverse, so everything the server itself touches lives in its own home.
    OS_SERVICE_HOME="/var/lib/${OS_USER}"
    OS_INST="${OPENSEARCH_DATA_DIR:-${OS_SERVICE_HOME}/opensearch-${OS_VERSION}-${OS_PORT}}"
else
    OS_SERVICE_HOME=""
    OS_INST="${OPENSEARCH_DATA_DIR:-${OS_CACHE}/run-${OS_PORT}}"
fi
OS_CACHE="$(realpath -m -- "$OS_CACHE")"; OS_DIST="$(realpath -m -- "$OS_DIST")"
OS_INST="$(realpath -m -- "$OS_INST")"          # absolute: the node is found by this path on its command line
OS_PIDFILE="${OS_INST}/opensearch.pid"
OS_PIDLINK="${OS_CACHE}/opensearch-${OS_PORT}.pid"   # root mode: symlink to OS_PIDFILE, findable from the cache
OS_LOGDIR="${OS_INST}/logs"
OS_LAUNCH_LOG="${OS_LOGDIR}/launcher.log"         # stdout/stderr of bin/opensearch until it daemonizes
OS_SERVER_LOG="${OS_LOGDIR}/hexa-search.log"      # OpenSearch's own log (<cluster.name>.log)

os_die() { echo "opensearch: ERROR: $*" >&2; exit 1; }
os_note() { echo "opensearch: $*" >&2; }

# The pid of *our* node (the one whose config dir is $OS_INST/config), or nothing. The pid file is written
# by OpenSearch itself a moment after the JVM starts; until then the command line identifies it.
os_server_pid() {
    local pid="" marker="-Dopensearch.path.conf=${OS_INST}/config"
    if [[ -s $OS_PIDFILE ]]; then
        pid="$(tr -dc '0-9' <"$OS_PIDFILE")"
        if [[ -n $pid && -r /proc/$pid/cmdline ]] && tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$marker"; then
            echo "$pid"; return 0
        fi
    fi
    pid="$(pgrep -f -- "$marker" 2>/dev/null | head -n1 || true)"
    [[ -n $pid ]] && echo "$pid"
    return 0
}

# 0 when a cluster answers on the port with status yellow or green within $1 seconds.
os_healthy() {
    local t="${1:-2}"
    curl -fsS -o /dev/null --max-time "$((t + 2))" \
        "${OS_URL}/_cluster/health?wait_for_status=yellow&timeout=${t}s" 2>/dev/null
}

# 0 when anything accepts TCP connections on the port.
os_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/${OS_PORT}") 2>/dev/null; }
