#!/usr/bin/env bash
# Benchmark: disparity (release build) against R (data.table::fread + survey) on the same
# generated survey file. Prints each side's seconds per step and the ratios.
# Usage: bash bench/run.sh [ROWS] (default 1000000). Needs python3 with numpy; R with
# data.table and survey (apt-get install r-base-core r-cran-survey r-cran-data.table).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p bench/out
file=bench/out/survey_${rows}.csv
[ -f "$file" ] || python3 ../shared/bench/gen_survey.py "$rows" "$file" 7
swift build -c release --product disparity >&2
bin=.build/release/disparity
design=(--data "$file" --weights weight --strata stratum --cluster psu --format csv --output /dev/null --timings)

best() {  # the fastest of three runs of a disparity command: "read design estimate" seconds
  for _ in 1 2 3; do "$bin" "$@" 2>&1 >/dev/null | sed -E 's/[a-z]+ ([0-9.]+) s,?/\1/g; s/^timings: //'; done |
    sort -n -k1,1 | head -1
}
read -r ours_read ours_design ours_mean _ < <(best estimate mean score "${design[@]}")
read -r _ _ ours_by _ < <(best estimate mean score --by minority,edu "${design[@]}")
read -r _ _ ours_quantile _ < <(best estimate quantile score --q 0.25 "${design[@]}")
/usr/bin/time -f "%M" -o bench/out/peak.txt "$bin" estimate mean score "${design[@]}" >/dev/null 2>&1
peak=$(tail -1 bench/out/peak.txt)

declare -A r
while read -r step seconds; do r[$step]=$seconds; done < <(Rscript bench/descriptive.R "$file")

printf '%-10s %10s %10s %8s\n' step disparity R ratio
for pair in "read:$ours_read" "design:$ours_design" "mean:$ours_mean" "by:$ours_by" "quantile:$ours_quantile"; do
  step=${pair%%:*}; ours=${pair#*:}
  printf '%-10s %10.3f %10.3f %7.1fx\n' "$step" "$ours" "${r[$step]}" "$(echo "${r[$step]} / $ours" | bc -l)"
done
echo "disparity peak memory (mean, whole run): $((peak / 1024)) MiB"
