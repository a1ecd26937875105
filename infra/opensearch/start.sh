#!/usr/bin/env bash
# Starts a real single-node OpenSearch 2.19 on 127.0.0.1:${OPENSEARCH_PORT:-9200} for tests, CI and
# `make up`, or reuses one that already answers there. The last (and only) line on stdout is
#   OPENSEARCH_URL=http://127.0.0.1:<port>
# so callers can `eval "$(infra/opensearch/start.sh)"`. Progress and errors go to stderr.
#
# The distribution is OpenSearch's own minimal build (org.opensearch.distribution.integ-test-zip, core +
# transport-netty4, no JDK, no security plugin), fetched once from Maven Central with mvn and cached.
# See README.md next to this file. Stop it with stop.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

HEAP="${OPENSEARCH_HEAP:-512m}"
START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"   # seconds from launch until the cluster must be yellow
FETCH_TIMEOUT="${OPENSEARCH_FETCH_TIMEOUT:-900}"   # seconds for the one-time download
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:${OS_VERSION}:zip"

emit_url() { echo "OPENSEARCH_URL=${OS_URL}"; }

# --- 0. already running? ---------------------------------------------------------------------------------
if os_healthy 1; then emit_url; exit 0; fi

# --- tools -------------------------------------------------------------------------------------------------
# Installs a missing tool from Debian when we can (root + apt), so a fresh machine needs no manual step.
apt_install() {  # apt_install <debian package>; 1 when not possible
    [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
    os_note "installing Debian package $1"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >/dev/null 2>&1
}
need() {  # need <command> <debian package>
    command -v "$1" >/dev/null 2>&1 && return 0
    apt_install "$2" || true
    command -v "$1" >/dev/null 2>&1 || os_die "'$1' is required (Debian package $2)"
}

java_major() {  # java_major <java home> -> 17
    local v
    v="$("$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 1
    v="${v#1.}"; echo "${v%%[.+-]*}"
}

# OpenSearch 2.19 runs on Java 11-21 (it needs the security manager, which Java 24+ removed). Prefer the
# `java` on PATH (Java 17 here), then any 17/21/11 under /usr/lib/jvm; never Temurin 25.
find_java_home() {
    local c m candidates=()
    [[ -n ${OPENSEARCH_JAVA_HOME:-} ]] && { echo "$OPENSEARCH_JAVA_HOME"; return 0; }
    command -v java >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    [[ -n ${JAVA_HOME:-} ]] && candidates+=("$JAVA_HOME")
    for c in /usr/lib/jvm/java-17-* /usr/lib/jvm/*17* /usr/lib/jvm/java-21-* /usr/lib/jvm/*21* /usr/lib/jvm/java-11-*; do
        [[ -d $c ]] && candidates+=("$c")
    done
    for c in "${candidates[@]}"; do
        [[ -x $c/bin/java ]] || continue
        m="$(java_major "$c" 2>/dev/null || true)"
        if [[ $m =~ ^[0-9]+$ ]] && (( m >= 11 && m <= 21 )); then echo "$c"; return 0; fi
    done
    return 1
}

need curl curl
JAVA_HOME_17="$(find_java_home || true)"
if [[ -z $JAVA_HOME_17 ]]; then
    apt_install openjdk-17-jre-headless || true
    JAVA_HOME_17="$(find_java_home || true)"
fi
[[ -n $JAVA_HOME_17 ]] || os_die "no Java 11-21 found (OpenSearch 2.19 wants Java 17; set OPENSEARCH_JAVA_HOME)"

# --- 1. one start at a time per cache (parallel test workers, make up + make test) ------------------------
mkdir -p "$OS_CACHE"
exec 9>"$OS_CACHE/.lock"
flock -w "$((FETCH_TIMEOUT + START_TIMEOUT))" 9 || os_die "timed out waiting for another start.sh ($OS_CACHE/.lock)"
if os_healthy 1; then emit_url; exit 0; fi

# --- 2. fetch + unpack once ---------------------------------------------------------------------------------
if [[ ! -f $OS_DIST/.complete ]]; then
    need mvn maven
    os_note "first run: fetching ${ARTIFACT} from Maven Central into ${OS_CACHE}"
    rm -rf "$OS_DIST"
    tmp="$(mktemp -d "$OS_CACHE/.fetch.XXXXXX")"
    # The dependency plugin is pinned to 3.x: Maven 3.8's default (2.8) cannot do `copy -Dartifact=`.
    # Its own jars and the zip land in $OS_CACHE/m2, so nothing outside the cache dir is touched.
    if ! (cd "$tmp" && timeout "$FETCH_TIMEOUT" mvn -B -q -Dstyle.color=never \
            -Dmaven.repo.local="$OS_CACHE/m2" "$DEP_PLUGIN:copy" \
            -Dartifact="$ARTIFACT" -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1); then
        tail -n 20 "$tmp/mvn.log" >&2
        os_die "could not download $ARTIFACT (is ${OS_VERSION} published? try OPENSEARCH_VERSION=2.19.5)"
    fi
    zip="$tmp/opensearch-${OS_VERSION}.zip"
    if command -v unzip >/dev/null 2>&1; then
        unzip -q "$zip" -d "$tmp/x"
    else
        python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$tmp/x"
        chmod +x "$tmp/x/opensearch-${OS_VERSION}"/bin/*
    fi
    [[ -f $tmp/x/opensearch-${OS_VERSION}/lib/opensearch-${OS_VERSION}.jar ]] || os_die "unexpected layout in $zip"
    mv "$tmp/x/opensearch-${OS_VERSION}" "$OS_DIST"
    rm -rf "$tmp"
    touch "$OS_DIST/.complete"
fi

# --- 3. the standard modules the minimal distribution leaves out (fetched once each) ------------------------
# The integ-test zip has only transport-netty4. OpenSearch publishes its other modules' jars (not their zips)
# to Maven Central, so a module dir is rebuilt here: the jar + its runtime deps (minus what lib/ already has)
# + plugin-descriptor.properties + the upstream plugin-security.policy. Table: name|artifactId|plugin class.
MODULE_TABLE=(
    "analysis-common|analysis-common|org.opensearch.analysis.common.CommonAnalysisPlugin"
    "mapper-extras|mapper-extras-client|org.opensearch.index.mapper.MapperExtrasPlugin"
    "lang-painless|lang-painless|org.opensearch.painless.PainlessPlugin"
    "reindex|reindex-client|org.opensearch.index.reindex.ReindexPlugin"
)
MODULES="${OPENSEARCH_MODULES-analysis-common mapper-extras lang-painless reindex}"
[[ $MODULES == none ]] && MODULES=""

module_policy() {  # upstream modules/<name>/src/main/plugin-metadata/plugin-security.policy
    case "$1" in
        lang-painless) cat <<'POLICY'
grant {
  // needed to generate runtime classes
  permission java.lang.RuntimePermission "createClassLoader";
  // needed to find the classloader to load allowlisted classes from
  permission java.lang.RuntimePermission "getClassLoader";
};
POLICY
            ;;
        reindex) cat <<'POLICY'
grant {
  // reindex opens socket connections using the rest client
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "${codebase.opensearch-rest-client}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "${codebase.httpasyncclient}" {
  // rest client uses system properties which gets the default proxy
  permission java.net.NetPermission "getProxySelector";
};
POLICY
            ;;
    esac
}

fetch_module() {  # fetch_module <name>
    local name="$1" row artifact="" class="" dir tmp j extended=""
    for row in "${MODULE_TABLE[@]}"; do
        [[ ${row%%|*} == "$name" ]] && { IFS='|' read -r _ artifact class <<<"$row"; break; }
    done
    [[ -n $artifact ]] || os_die "unknown module '$name' in OPENSEARCH_MODULES (known: analysis-common mapper-extras lang-painless reindex)"
    dir="$OS_CACHE/modules/$name"
    [[ -f $dir/.complete ]] && return 0
    need mvn maven
    os_note "first run: fetching module ${name} (org.opensearch.plugin:${artifact}:${OS_VERSION})"
    tmp="$(mktemp -d "$OS_CACHE/.fetch.XXXXXX")"
    cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>hexa.infra</groupId><artifactId>opensearch-module-${name}</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies><dependency>
    <groupId>org.opensearch.plugin</groupId><artifactId>${artifact}</artifactId><version>${OS_VERSION}</version>
    <!-- the server (and its lucene, jackson, ...) is lib/ already; painless-spi would drag it in -->
    <exclusions><exclusion><groupId>org.opensearch</groupId><artifactId>opensearch</artifactId></exclusion></exclusions>
  </dependency></dependencies>
</project>
POM
    if ! (cd "$tmp" && timeout "$FETCH_TIMEOUT" mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$OS_CACHE/m2" \
            "$DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory="$tmp/$name" \
            >"$tmp/mvn.log" 2>&1); then
        tail -n 20 "$tmp/mvn.log" >&2
        os_die "could not download module $name (org.opensearch.plugin:${artifact}:${OS_VERSION}); OPENSEARCH_MODULES=none skips modules"
    fi
    for j in "$tmp/$name"/*.jar; do  # the server's own jars are on the classpath already (jar hell otherwise)
        [[ -e $OS_DIST/lib/$(basename "$j") ]] && rm -f "$j"
    done
    [[ $name == analysis-common ]] && extended="lang-painless"   # dropped below when painless is not selected
    cat >"$tmp/$name/plugin-descriptor.properties" <<DESC
description=${name} module (jars from Maven Central, assembled by infra/opensearch/start.sh)
version=${OS_VERSION}
name=${name}
classname=${class}
java.version=11
opensearch.version=${OS_VERSION}
custom.foldername=
extended.plugins=${extended}
has.native.controller=false
DESC
    module_policy "$name" >"$tmp/$name/plugin-security.policy"
    [[ -s $tmp/$name/plugin-security.policy ]] || rm -f "$tmp/$name/plugin-security.policy"
    mkdir -p "$OS_CACHE/modules"
    rm -rf "$dir"; mv "$tmp/$name" "$dir"; rm -rf "$tmp"
    touch "$dir/.complete"
}
for m in $MODULES; do fetch_module "$m"; done

# --- 4. the user it runs as, and the server's home (distribution + modules, hard links) -------------------
RUN_AS=()
if [[ $EUID -eq 0 ]]; then
    if ! id -u "$OS_USER" >/dev/null 2>&1; then
        useradd --system --user-group --home-dir "$OS_SERVICE_HOME" --no-create-home \
            --shell /usr/sbin/nologin "$OS_USER" || os_die "could not create user $OS_USER"
    fi
    install -d -m 0755 "$OS_SERVICE_HOME"
    RUN_AS=(runuser -u "$OS_USER" --)
fi
# One home per module set: the distribution + the modules as hard links (same file system: no copy, no
# space; else a plain copy). Rebuilt only when the cached files change, and never under a running node.
mods_id="$(echo "$MODULES" | cksum | cut -d' ' -f1)"
if [[ $EUID -eq 0 ]]; then   # the cache is usually under /root (mode 700), which the user cannot enter
    RUN_DIST="$OS_SERVICE_HOME/opensearch-${OS_VERSION}-home-${mods_id}"
else
    RUN_DIST="$OS_CACHE/home-${mods_id}"
fi
home_key="${OS_VERSION} modules=[${MODULES}] $(stat -c %Y "$OS_DIST/.complete")"
for m in $MODULES; do home_key+=" $m:$(stat -c %Y "$OS_CACHE/modules/$m/.complete")"; done
if [[ "$(cat "$RUN_DIST/.hexa-home" 2>/dev/null || true)" != "$home_key" ]]; then
    if pgrep -f -- "-Dopensearch.path.home=${RUN_DIST} " >/dev/null 2>&1; then
        os_die "a node still runs from ${RUN_DIST}, which is outdated; stop it first (stop.sh with its OPENSEARCH_PORT)"
    fi
    rm -rf "$RUN_DIST.tmp"
    link_tree() { cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }; }
    link_tree "$OS_DIST" "$RUN_DIST.tmp"
    for m in $MODULES; do link_tree "$OS_CACHE/modules/$m" "$RUN_DIST.tmp/modules/$m"; done
    desc="$RUN_DIST.tmp/modules/analysis-common/plugin-descriptor.properties"
    if [[ -f $desc && " $MODULES " != *" lang-painless "* ]]; then   # new file, not the cached hard link
        sed 's/^extended.plugins=.*/extended.plugins=/' "$desc" >"$desc.new" && mv -f "$desc.new" "$desc"
    fi
    rm -f "$RUN_DIST.tmp/.complete" "$RUN_DIST.tmp"/modules/*/.complete
    echo "$home_key" >"$RUN_DIST.tmp/.hexa-home"
    rm -rf "$RUN_DIST"; mv "$RUN_DIST.tmp" "$RUN_DIST"
fi

# --- 5. a node that is already booting (ours) is waited for, not started twice ----------------------------
launch_failed=""
pid="$(os_server_pid)"
if [[ -z $pid ]]; then
    if os_port_open; then
        os_die "port ${OS_PORT} is taken by something that is not a healthy OpenSearch (set OPENSEARCH_PORT)"
    fi

    # --- 6. per-instance config (the stock one writes logs relative to the read-only distribution) --------
    mkdir -p "$OS_INST/config/jvm.options.d" "$OS_INST/data" "$OS_LOGDIR" "$OS_INST/tmp"
    [[ ${OPENSEARCH_RESET:-0} == 1 ]] && rm -rf "${OS_INST:?}/data" && mkdir -p "$OS_INST/data"
    cp "$RUN_DIST/config/log4j2.properties" "$OS_INST/config/"
    sed -e '/^-Xm[sx]/d' \
        -e "s#HeapDumpPath=data#HeapDumpPath=${OS_INST}/data#" \
        -e "s#logs/#${OS_LOGDIR}/#g" \
        "$RUN_DIST/config/jvm.options" >"$OS_INST/config/jvm.options"
    {
        echo "# written by infra/opensearch/start.sh on every start; edit that script, not this file"
        echo "cluster.name: hexa-search"
        echo "node.name: hexa-search-${OS_PORT}"
        echo "path.data: ${OS_INST}/data"
        echo "path.logs: ${OS_LOGDIR}"
        echo "network.host: 127.0.0.1"
        echo "http.port: ${OS_PORT}"
        echo "discovery.type: single-node"
        # CI disks may be fuller than the 85/90/95 % watermarks; never go read-only because of that.
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        # Only present in full distributions; the minimal one has no security plugin.
        [[ -d $RUN_DIST/plugins/opensearch-security ]] && echo "plugins.security.disabled: true"
        true
    } >"$OS_INST/config/opensearch.yml"
    rm -f "$OS_PIDFILE"
    [[ $OS_PIDLINK != "$OS_PIDFILE" && $OS_INST != "$OS_CACHE"/* ]] && ln -sfn "$OS_PIDFILE" "$OS_PIDLINK"
    : >"$OS_LAUNCH_LOG"
    [[ $EUID -eq 0 ]] && chown -R "$OS_USER:" "$OS_INST"

    # --- 7. launch, daemonized (bin/opensearch -d backgrounds the JVM and returns) -------------------------
    # Clean environment: no stray JAVA_TOOL_OPTIONS / JAVA_HOME (e.g. Temurin 25) reaches the JVM.
    (cd "$OS_INST" && setsid "${RUN_AS[@]}" env -i \
        PATH=/usr/local/bin:/usr/bin:/bin HOME="$OS_INST" LANG=C.UTF-8 \
        JAVA_HOME="$JAVA_HOME_17" OPENSEARCH_JAVA_HOME="$JAVA_HOME_17" \
        OPENSEARCH_PATH_CONF="$OS_INST/config" OPENSEARCH_TMPDIR="$OS_INST/tmp" \
        OPENSEARCH_JAVA_OPTS="-Xms${HEAP} -Xmx${HEAP} -XX:-AlwaysPreTouch ${OPENSEARCH_JAVA_OPTS:-}" \
        "$RUN_DIST/bin/opensearch" -d -p "$OS_PIDFILE" \
        >>"$OS_LAUNCH_LOG" 2>&1 </dev/null 9>&-) || launch_failed=1
fi
# Callers that come now find our node booting (step 5) and wait for it without the lock.
exec 9>&-

# --- 8. wait for yellow ---------------------------------------------------------------------------------------
fail() {
    {
        for f in "$OS_SERVER_LOG" "$OS_LAUNCH_LOG"; do
            [[ -s $f ]] || continue
            echo "----- last 50 lines of $f -----"; tail -n 50 "$f"
        done
    } >&2
    os_die "$1"
}
if [[ -n ${launch_failed:-} && -z "$(os_server_pid)" ]]; then
    fail "bin/opensearch failed to launch OpenSearch ${OS_VERSION} (logs: ${OS_LOGDIR})"
fi
deadline=$((SECONDS + START_TIMEOUT))
gone_since=""
while :; do
    if os_healthy 3; then emit_url; exit 0; fi
    if [[ -z "$(os_server_pid)" ]]; then
        # Give the JVM a few seconds to appear before declaring it dead.
        gone_since="${gone_since:-$SECONDS}"
        (( SECONDS - gone_since >= 8 )) && fail "OpenSearch ${OS_VERSION} exited during startup (logs: ${OS_LOGDIR})"
    else
        gone_since=""
    fi
    (( SECONDS >= deadline )) && fail "OpenSearch ${OS_VERSION} not healthy on ${OS_URL} within ${START_TIMEOUT}s (logs: ${OS_LOGDIR}; stop it with infra/opensearch/stop.sh)"
    sleep 1
done
