#!/usr/bin/env bash
# Fails when a Swift file is not as `swift format` (the toolchain's, configured by .swift-format)
# would write it; `make format` rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Benchmarks/FilterBenchmarks Benchmarks/AccessLogBenchmarks Benchmarks/SSIMBench
echo "swift format: every file as .swift-format says"
