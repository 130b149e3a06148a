#!/usr/bin/env bash
# Benchmark: disparity (release build) against R (data.table::fread + survey) and statsmodels on
# the same generated survey file. Prints each side's seconds per step and the ratios, and
# disparity's peak memory.
# Usage: bash bench/run.sh [ROWS] (default 1000000). Installs what it compares with when
# missing (bench/ensure-tools.sh: R with data.table and survey, statsmodels, numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p bench/out
# R and statsmodels (and the generator's numpy), installed when missing.
bash bench/ensure-tools.sh --skip-svy --statsmodels
file=bench/out/survey_${rows}.csv
[ -f "$file" ] || python3 ../shared/bench/gen_survey.py "$rows" "$file" 7
bash scripts/build-release.sh
bin=.build/release/disparity
design=(--data "$file" --weights weight --strata stratum --cluster psu --format csv --output /dev/null --timings)
rhs="minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"

# The fastest of three runs of a disparity command, as "read design compute" seconds.
best() {
  for _ in 1 2 3; do "$bin" "$@" 2>&1 >/dev/null | sed -E 's/^timings: //; s/[a-z]+ ([0-9.]+) s,?/\1/g'; done |
    sort -n -k3,3 | head -1
}
declare -A ours r sm
read -r ours[read] ours[design] ours[mean] _ < <(best estimate mean score "${design[@]}")
read -r _ _ ours[by] _ < <(best estimate mean score --by minority,edu "${design[@]}")
read -r _ _ ours[quantile] _ < <(best estimate quantile score --q 0.25 "${design[@]}")
read -r _ _ ours[linear] _ < <(best regress "score ~ $rhs" "${design[@]}")
read -r _ _ ours[logistic] _ < <(best regress "unemployed ~ $rhs" --family binomial "${design[@]}")
/usr/bin/time -f "%M" -o bench/out/peak.txt "$bin" regress "unemployed ~ $rhs" --family binomial "${design[@]}" >/dev/null 2>&1
peak=$(tail -1 bench/out/peak.txt)

while read -r step seconds; do r[$step]=$seconds; done < <(Rscript bench/descriptive.R "$file"; Rscript bench/regression.R "$file" | grep -v -E '^(read|design) ')
if python3 -c "import statsmodels" 2>/dev/null; then
  while read -r step seconds; do sm[$step]=$seconds; done < <(python3 bench/regression_statsmodels.py "$file" 2>/dev/null)
fi

ratio() { [ -n "${2:-}" ] && printf '%7.1fx' "$(echo "$2 / $1" | bc -l)" || printf '%8s' '-'; }
printf '%-10s %10s %10s %8s %12s %8s\n' step disparity R ratio statsmodels ratio
for step in read design mean by quantile linear logistic; do
  printf '%-10s %10.3f %10s %s %12s %s\n' "$step" "${ours[$step]}" "${r[$step]:--}" "$(ratio "${ours[$step]}" "${r[$step]:-}")" \
    "${sm[$step]:--}" "$(ratio "${ours[$step]}" "${sm[$step]:-}")"
done
echo "disparity peak memory (logistic regression, whole run): $((peak / 1024)) MiB"
