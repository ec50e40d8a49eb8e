#!/usr/bin/env bash
# The Python tools the benchmarks score and compare with, in a venv of their own.
#
# Usage: Benchmarks/python-venv.sh   (prints the venv's directory, Benchmarks/.venv)
# Installs SSIMULACRA2 (PyPI `ssimulacra2`) and thumbor 7.8, the peer imgedge is compared with.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=Benchmarks/.venv
if [ ! -x "$VENV/bin/thumbor" ] || ! "$VENV/bin/python" -c "import ssimulacra2" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q ssimulacra2==0.3.0 thumbor==7.8.0 >&2
fi
echo "$VENV"
