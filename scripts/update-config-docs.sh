#!/usr/bin/env bash
# Regenerates docs/configuration.md's configuration table from the key declarations
# (`imgedge config --markdown-table`); a test fails when the page's copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null 2>&1   # the build `make test` and `make run` share
table=$(.build/debug/imgedge config --markdown-table)
python3 - "$table" <<'PY'
import re, sys
start, end = "<!-- configuration table: scripts/update-config-docs.sh -->", "<!-- end -->"
page = open("docs/configuration.md").read()
before, rest = page.split(start, 1)
_, after = rest.split(end, 1)
open("docs/configuration.md", "w").write(before + start + "\n" + sys.argv[1] + "\n" + end + after)
PY
echo "docs/configuration.md configuration table updated"
