#!/usr/bin/env bash
# Runs every test: installs what the build needs when missing, builds the package with its
# tests, and runs them (XCTest; the suite has no Swift Testing tests). Tests need no R or
# Python: the oracles' outputs are committed fixtures. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
passed=$(grep -cE "^Test Case '.*' passed" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
echo "$passed passed, $failed failed"
exit "$status"
