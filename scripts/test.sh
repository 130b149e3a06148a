#!/usr/bin/env bash
# Runs every test: installs what the build and the notebook, spreadsheet and report checks need
# when missing (Debian's LAPACK/BLAS, libxlsxwriter, and chromium, whose headless mode draws the
# barometer's HTML report; pip's nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl),
# builds the package with
# its tests, and runs them (XCTest, one process per core; the suite has no Swift Testing tests), then the fuzzers
# (fuzz/run.sh: the kept corpus and 10 s of fuzzing per target). Tests need no R: the
# oracles' outputs are committed fixtures. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh chromium
# The notebook tests validate and execute notebooks with these, the spreadsheet tests read
# workbooks with openpyxl (test tooling, not the product).
python3 -c "import nbformat, nbclient, ipykernel, pandas, matplotlib, openpyxl" 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check nbformat nbclient ipykernel pandas matplotlib openpyxl
# The fuzz targets (a build of their own, with sanitizers) build beside the package: each build
# leaves a core idle for much of its time, so together they take less time than one after the other.
swift package resolve
results=$(mktemp -d)
# In a process group of its own, so that a failed package build stops it too.
setsid bash fuzz/run.sh all build >"$results/fuzz-build.log" 2>&1 &
fuzz_build=$!
trap 'kill -- "-$fuzz_build" 2>/dev/null || true; rm -rf "$results"' EXIT
swift build --build-tests
wait "$fuzz_build" || { cat "$results/fuzz-build.log" >&2; echo "scripts/test.sh: the fuzz targets did not build" >&2; exit 1; }
status=0
# One test process per core (at most 8: the tests run commands and use every core themselves),
# each running one test case at a time (a failing case's output is printed); the cases' results
# are counted from the xUnit report.
workers=$(nproc)
[ "$workers" -le 8 ] || workers=8
swift test --skip-build --disable-swift-testing --parallel --num-workers "$workers" \
  --xunit-output "$results/tests.xml" || status=$?
# The libFuzzer targets (fuzz/run.sh, built apart in .build-fuzz): replay every kept input, then
# fuzz each target for 10 s; any crash, hang or runaway allocation fails the command, and so
# does a CSV input that reads differently whole and in small chunks (CSVReaderFuzz's check).
bash fuzz/run.sh all 10 || status=1
cases=$(grep -c "<testcase " "$results/tests.xml" 2>/dev/null || true)
failed=$(grep -c "<failure" "$results/tests.xml" 2>/dev/null || true)
passed=$((${cases:-0} - ${failed:-0}))
echo "$passed passed, $failed failed"
exit "$status"
