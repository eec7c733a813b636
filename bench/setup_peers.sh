#!/bin/sh
# What bench/side_by_side.py needs besides the project: nginx and wrk (Debian packages) and
# the peer, Isso, from PyPI in a virtualenv of its own under bench/peers/ (gitignored; the
# peer's code is never committed). Idempotent: does nothing when all is there.
set -eu
cd "$(dirname "$0")"

ISSO_VERSION=0.14.0
GUNICORN_VERSION=27.0.1
VENV=peers/isso-venv

if ! command -v wrk >/dev/null 2>&1 || ! { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; }; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        # The package may try to start the system nginx; the benchmark runs its own.
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk >/dev/null
    else
        echo "Please install nginx and wrk (Debian: apt-get install -y nginx wrk)." >&2
        exit 1
    fi
fi

if ! "$VENV/bin/python" -c "import isso, gunicorn; assert isso.__version__ == '$ISSO_VERSION' and gunicorn.__version__ == '$GUNICORN_VERSION'" 2>/dev/null; then
    PYTHON=$(../scripts/find-python.sh)
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet "isso==$ISSO_VERSION" "gunicorn==$GUNICORN_VERSION"
fi
echo "peers ready: $("$VENV/bin/python" -c 'import isso; print("isso", isso.__version__)'), $(wrk -v 2>&1 | head -1)"
