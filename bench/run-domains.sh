#!/usr/bin/env bash
# The many-domains benchmark, side by side: the mean of score with its SE in each of ~6,860
# municipality-by-age domains of a 50,000-row clustered survey (bench/gen_domains.py), by
# `disparity estimate mean score --by municipality,age`, R's svyby (bench/domains.R) and svy's
# estimation.mean(by=...) (bench/domains_svy.py). Prints the median seconds per step (read,
# design, domains, total), the ratios to disparity, the whole process's wall clock and peak memory.
#
# Usage: bash bench/run-domains.sh [ROWS] [--runs N] [--skip-r] [--skip-svy] [--check]
#   ROWS      rows of the generated file (default 50000)
#   --check   also compare the three tools' domain estimates and SEs (bench/report.py check)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/side-by-side.sh
rows=50000
side_by_side_options "$@"
file=bench/out/domains_${rows}.csv
side_by_side_setup domains
[ -f "$file" ] || python3 bench/gen_domains.py "$rows" "$file" 7

for run in $(seq "$runs"); do
  disparity_timed "$run" domains estimate mean score --by municipality,age --data "$file" \
    --weights weight --strata stratum --cluster psu --format csv --output "$runs_dir/disparity.csv"
  compare_tools "$run" bench/domains.R bench/domains_svy.py "$file"
done

echo "many-domains benchmark: $rows rows, $(($(wc -l < "$runs_dir/disparity.csv") - 1)) municipality-by-age domains ($(basename "$file"))"
python3 bench/report.py table "$runs_dir" read design domains write total
echo "total = the script's own clock for R and svy, the process's for disparity; process = the whole process."
if [ -n "$check" ]; then
  python3 - "$runs_dir/disparity.csv" > "$runs_dir/check-disparity.txt" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    print(f"check {row['municipality']}.{row['age']} {row['estimate']} {row['std_error']}")
PY
  check_tools
fi
