#!/usr/bin/env bash
# A real browser for the dashboard's tests: Debian's chromium and its chromedriver (`apt-get install
# chromium chromium-driver` when missing and we are root). The last line on stdout is
#   CHROMIUM=/usr/bin/chromium CHROMEDRIVER=/usr/bin/chromedriver
# so callers can `eval "$(infra/browser/ensure.sh)"`; progress and errors go to stderr. Without root
# and without the packages it says so and prints nothing (the tests then fail under CI=true, skip otherwise).
set -euo pipefail
note() { echo "browser: $*" >&2; }
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        note "installing Debian packages chromium chromium-driver (once)"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
            >/dev/null 2>&1 || { note "apt-get install chromium chromium-driver failed"; exit 1; }
    else
        note "no chromium/chromedriver and not root: install the Debian packages chromium chromium-driver"
        exit 0
    fi
fi
echo "CHROMIUM=$(command -v chromium) CHROMEDRIVER=$(command -v chromedriver)"
