#!/usr/bin/env sh
# Prints the path of a working Python <major.minor> interpreter (PATH first, then pyenv's versions), or nothing.
# A pyenv shim is on PATH for every installed version but fails unless that version is selected: run it to know.
version=$1
for candidate in "python$version" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/"python$version"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0)' >/dev/null 2>&1; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
