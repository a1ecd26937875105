#!/usr/bin/env bash
# Stops the OpenSearch node that start.sh started on ${OPENSEARCH_PORT:-9200} (found by its pid file, or by
# its own config path on the command line). Does nothing when it is not running. Never touches a server
# it did not start.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

pid="$(os_server_pid)"
if [[ -z $pid ]]; then
    rm -f "$OS_PIDFILE"
    [[ -L $OS_PIDLINK ]] && rm -f "$OS_PIDLINK"
    exit 0
fi
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 60); do           # OpenSearch flushes and closes shards on SIGTERM; usually < 3 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
    os_note "pid $pid did not stop within 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
fi
rm -f "$OS_PIDFILE"
[[ -L $OS_PIDLINK ]] && rm -f "$OS_PIDLINK"
exit 0
