#!/usr/bin/env bash
# The many-categories benchmark, side by side: the share of every level of a code with its SE
# (postcodes, occupations: LEVELS levels, Zipf-like) in a ROWS-row clustered survey
# (bench/gen_categories.py), by `disparity estimate proportion code`, R's svymean(~code)
# (bench/categories.R) and svy's estimation.prop (bench/categories_svy.py). Prints the median
# seconds per step (read, design, shares, total), the ratios to disparity, the whole process's
# wall clock and peak memory. R forms the levels' whole covariance matrix (LEVELS² values): at
# 20,000 levels that is 3.2 GB and hours; compare with it at 2,000.
#
# Usage: bash bench/run-categories.sh [ROWS] [--levels L] [--runs N] [--skip-r] [--skip-svy] [--check]
#   ROWS        rows of the generated file (default 200000)
#   --levels L  levels of code (default 20000)
#   --check     also compare the three tools' shares and SEs (bench/report.py check)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/side-by-side.sh
rows=200000 levels=20000
own_option() { if [ "$1" = --levels ]; then levels=$2; took=2; fi; }
side_by_side_options "$@"
file=bench/out/categories_${rows}_${levels}.csv
side_by_side_setup categories
[ -f "$file" ] || python3 bench/gen_categories.py "$rows" "$levels" "$file" 7

for run in $(seq "$runs"); do
  disparity_timed "$run" shares estimate proportion code --data "$file" \
    --weights weight --strata stratum --cluster psu --format csv --output "$runs_dir/disparity.csv"
  compare_tools "$run" bench/categories.R bench/categories_svy.py "$file"
done

echo "many-categories benchmark: $rows rows, $levels levels of code ($(basename "$file"))"
python3 bench/report.py table "$runs_dir" read design shares write total
echo "total = the script's own clock for R and svy, the process's for disparity; process = the whole process."
if [ -n "$check" ]; then
  python3 - "$runs_dir/disparity.csv" > "$runs_dir/check-disparity.txt" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    print(f"check {row['category']} {row['estimate']} {row['std_error']}")
PY
  check_tools
fi
