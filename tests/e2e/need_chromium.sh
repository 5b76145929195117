#!/bin/sh
# The browser tests drive Debian's Chromium and never download a browser. Run by `make test`
# before pytest, so a machine without Chromium gets it (as root, with apt-get) or one line
# saying what to install, instead of every browser test failing on its own.
set -u
chromium="${OVERSIGHT_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0

if [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium not found at $chromium: installing Debian's chromium package"
    if DEBIAN_FRONTEND=noninteractive apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
        && [ -x "$chromium" ]; then
        exit 0
    fi
fi

echo "Chromium not found at $chromium: install Debian's chromium package" \
    "(apt-get install chromium) or set OVERSIGHT_CHROMIUM to a Chromium that is there" >&2
exit 1
