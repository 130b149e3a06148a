#!/usr/bin/env bash
# Runs every test: installs what the build and the notebook, spreadsheet and report checks need
# when missing (Debian's LAPACK/BLAS, libxlsxwriter, and chromium, whose headless mode draws the
# barometer's HTML report; pip's nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl),
# builds the package with
# its tests, and runs them (XCTest; the suite has no Swift Testing tests), then the fuzzers
# (fuzz/run.sh: the kept corpus and 10 s of fuzzing per target). Tests need no R: the
# oracles' outputs are committed fixtures. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh chromium
# The notebook tests validate and execute notebooks with these, the spreadsheet tests read
# workbooks with openpyxl (test tooling, not the product).
python3 -c "import nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl" 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check nbformat nbclient ipykernel pandas matplotlib openpyxl
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# The libFuzzer targets (fuzz/run.sh, built apart in .build-fuzz): replay every kept input, then
# fuzz each target for 10 s; any crash, hang or runaway allocation fails the command, and so
# does a CSV input that reads differently whole and in small chunks (CSVReaderFuzz's check).
bash fuzz/run.sh all 10 || status=1
passed=$(grep -cE "^Test Case '.*' passed" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
echo "$passed passed, $failed failed"
exit "$status"
