#!/usr/bin/env bash
# Regenerates README.md's configuration table from the key declarations
# (`imgedge config --markdown-table`); a test fails when the README's copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null 2>&1   # the build `make test` and `make run` share
table=$(.build/debug/imgedge config --markdown-table)
python3 - "$table" <<'PY'
import re, sys
start, end = "<!-- configuration table: scripts/update-readme-config.sh -->", "<!-- end -->"
readme = open("README.md").read()
before, rest = readme.split(start, 1)
_, after = rest.split(end, 1)
open("README.md", "w").write(before + start + "\n" + sys.argv[1] + "\n" + end + after)
PY
echo "README.md configuration table updated"
