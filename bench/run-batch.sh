#!/usr/bin/env bash
# The batch benchmark, side by side: bench/batch.yaml in one `disparity run` (release build), R
# (data.table + survey, bench/batch.R) and Python's svy (bench/batch_svy.py) doing the same steps
# on the generated survey of ROWS rows. Prints per step (read+parse, design, mean, gap, linear,
# logistic, quantile, total) the median seconds of each tool over the runs, the ratios R/disparity
# and svy/disparity, the whole process's wall clock and each tool's peak memory.
#
# Usage: bash bench/run-batch.sh [ROWS] [--runs N] [--skip-r] [--skip-svy] [--isolated] [--check]
#   ROWS        rows of the generated survey (default 1000000; 10000000 works, R then takes minutes)
#   --runs N    median of N runs of each tool (default 1)
#   --isolated  disparity's analysis rows from one `disparity run` per analysis: a batch runs its
#               analyses concurrently, so their times in one run overlap and include contention
#   --check     also print the three tools' estimates and SEs side by side (bench/report.py check)
# Needs python3 with numpy (and svy for its column), R with data.table and survey.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/side-by-side.sh
rows=1000000 isolated=
own_option() { if [ "$1" = --isolated ]; then isolated=1 took=1; fi; }
side_by_side_options "$@"
file=bench/out/survey_${rows}.csv
side_by_side_setup batch
[ -f "$file" ] || python3 ../shared/bench/gen_survey.py "$rows" "$file" 7
ln -sf "survey_${rows}.csv" bench/out/survey.csv

for run in $(seq "$runs"); do
  rm -rf bench/out/batch
  /usr/bin/time -f "%e %M" -o "$runs_dir/time" "$bin" run bench/batch.yaml --out bench/out/batch
  {
    if [ -n "$isolated" ]; then
      python3 bench/report.py steps bench/out/batch/manifest.json | grep -E '^(read|design) '
      # One analysis per run: the batch's spec with the other analyses' lines removed.
      grep -oE '^  - \{name: [a-z_]+' bench/batch.yaml | sed 's/.*name: //' | while read -r name; do
        grep -vE '^  - \{name: ' bench/batch.yaml | sed 's|^data: out/|data: |' > bench/out/isolated.yaml
        grep -E "^  - \{name: $name," bench/batch.yaml >> bench/out/isolated.yaml
        rm -rf bench/out/isolated && "$bin" run bench/out/isolated.yaml --out bench/out/isolated
        python3 bench/report.py steps bench/out/isolated/manifest.json --analyses
      done
    else
      python3 bench/report.py steps bench/out/batch/manifest.json
    fi
    echo "total $(cut -d' ' -f1 "$runs_dir/time")"
    measured "$runs_dir/time"
  } > "$runs_dir/disparity-$run.txt"
  compare_tools "$run" bench/batch.R bench/batch_svy.py "$file"
done

echo "batch benchmark on $rows rows ($(basename "$file"))"
python3 bench/report.py table "$runs_dir" read design mean gap linear logistic quantile total
echo "read = read+parse (disparity times them apart); total = the script's own clock for R and svy, the process's"
echo "for disparity; process = the whole process (R and Python start-up and library loading included)."
[ -n "$isolated" ] && echo "disparity's analysis rows: each analysis alone in its own run (--isolated)." ||
  echo "disparity runs the five analyses concurrently: their rows overlap in time (see --isolated)."
if [ -n "$check" ]; then
  cp bench/out/batch/results.json "$runs_dir/results.json"
  check_tools
fi
