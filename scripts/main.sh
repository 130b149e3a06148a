#!/usr/bin/env bash
# The main job on the bundled data: builds disparity in release mode (installing what it needs
# when missing) and runs the standard analyses on datasets/, printing tables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
swift build -c release --product disparity >&2
bin=.build/release/disparity
data=datasets/survey_sample.csv
design=(--data "$data" --weights weight --strata stratum --cluster psu)
echo "== Mean score by minority status"
"$bin" estimate mean score --by minority "${design[@]}" --format table
echo "== Unemployment share by minority status (Korn-Graubard intervals)"
"$bin" estimate proportion unemployed --by minority --ci-method korn-graubard "${design[@]}" --format table
echo "== Lower quartile of scores and the mean of the weakest 25 % (goal 1)"
"$bin" estimate quantile score --q 0.25 --by minority "${design[@]}" --format table
"$bin" estimate lower-mean score --q 0.25 --by minority "${design[@]}" --format table
