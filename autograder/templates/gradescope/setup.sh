#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image; the bundle is in $ROOT/source.
# It makes $ROOT/venv: a Python >= 3.11 virtual environment with the course kit's pinned requirements.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/venv"
PYTHON="${AUTOGRADER_PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive

new_enough() { command -v "$1" >/dev/null 2>&1 && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; }

if [ ! -x "$VENV/bin/python" ]; then
  if ! new_enough "$PYTHON"; then
    echo "setup.sh: $PYTHON is missing or older than Python 3.11: installing python3.11 with apt-get"
    apt-get update
    if ! apt-get install -y python3.11 python3.11-venv; then  # Ubuntu 22.04 has it; older releases need deadsnakes
      apt-get install -y software-properties-common
      add-apt-repository -y ppa:deadsnakes/ppa
      apt-get update
      apt-get install -y python3.11 python3.11-venv
    fi
    PYTHON=python3.11
  fi
  if ! "$PYTHON" -m venv "$VENV"; then  # Debian and Ubuntu ship venv's pip apart, in python3.X-venv
    rm -rf "$VENV"
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    apt-get update
    apt-get install -y "python$version-venv"
    "$PYTHON" -m venv "$VENV"
  fi
fi
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -r "$SOURCE/requirements.txt"

# The hidden tests and the solution stay root's: no other user (a sandbox's uid) may enter the bundle's folder.
chmod 700 "$SOURCE"
# Whether student code can be isolated in this container (grading runs in the same image): if not, fail the build.
cd "$SOURCE"
if ! PYTHONPATH="$SOURCE" "$VENV/bin/python" -m autograder doctor; then
  echo "setup.sh: student code cannot be isolated in this image (see above why), so every submission would get 0."
  echo "setup.sh: the autograder's build fails here, before students submit; see docs/safety.md in the course kit."
  exit 1
fi
