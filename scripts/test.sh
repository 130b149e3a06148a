#!/usr/bin/env bash
# Runs every test: installs what the build and the notebook, spreadsheet and report checks need
# when missing (Debian's LAPACK/BLAS, libxlsxwriter, and chromium, whose headless mode draws the
# barometer's HTML report; pip's nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl),
# builds the package with
# its tests, and runs them (XCTest, one process per core; the suite has no Swift Testing tests),
# the fuzzers' kept inputs among them (Fuzzing/FuzzCorpusTests: fuzz/corpus through the fuzz
# targets' checks; fuzzing itself, a sanitizer build of its own, is fuzz/run.sh). Tests need no
# R: the oracles' outputs are committed fixtures. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh chromium
# The notebook tests validate and execute notebooks with these, the spreadsheet tests read
# workbooks with openpyxl (test tooling, not the product).
python3 -c "import nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl" 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check nbformat nbclient ipykernel pandas matplotlib openpyxl
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
swift build --build-tests
status=0
# One test process per core (at most 8: the tests run commands and use every core themselves),
# each running one test case at a time (a failing case's output is printed); the cases' results
# are counted from the xUnit report.
workers=$(nproc)
[ "$workers" -le 8 ] || workers=8
swift test --skip-build --disable-swift-testing --parallel --num-workers "$workers" \
  --xunit-output "$results/tests.xml" || status=$?
cases=$(grep -c "<testcase " "$results/tests.xml" 2>/dev/null || true)
failed=$(grep -c "<failure" "$results/tests.xml" 2>/dev/null || true)
passed=$((${cases:-0} - ${failed:-0}))
echo "$passed passed, $failed failed"
exit "$status"
