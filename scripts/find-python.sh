#!/bin/sh
# Prints the path of a Python >= 3.12 found on this machine, or fails with a clear message.
# Looks at $PYTHON, the usual names on PATH, then pyenv's and uv's installs.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.14 python3 python; do
    [ -n "$candidate" ] || continue
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if ok "$path"; then echo "$path"; exit 0; fi
done
for root in "$(pyenv root 2>/dev/null)" "$HOME/.pyenv" "$HOME/.local/share/uv/python"; do
    [ -d "$root" ] || continue
    for path in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 "$root"/cpython-3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
        if ok "$path"; then echo "$path"; exit 0; fi
    done
done
echo "Masthead needs Python 3.12 or newer and found none (set PYTHON=/path/to/python3.12)." >&2
exit 1
