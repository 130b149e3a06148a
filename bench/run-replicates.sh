#!/usr/bin/env bash
# The replicate-weights benchmark: ROWS rows of the generated survey with R (default 80) bootstrap
# replicate weight columns repw1..repwR (bench/gen_replicates.py). A mean of score, domain means of
# score by minority and edu (10 domains), a linear regression of score and a logistic regression
# of unemployed (15 coefficients each), each with linearization (strata and PSUs) and with the replicate weights
# (disparity --replicate-weights 'repw*' --replicate-type bootstrap; R svrepdesign(type =
# "bootstrap", combined.weights = TRUE), bench/replicates.R; svy BootstrapWgts with R's scale
# 1/(R-1), method="replication", bench/replicates_svy.py), on the same file. Prints the median
# seconds per step of each tool with the ratios to disparity, then each tool's cost ratio
# replicate/linearization per statistic.
#
# Usage: bash bench/run-replicates.sh [ROWS] [--replicates R] [--runs N] [--skip-r] [--skip-svy] [--check]
#   ROWS     rows (default 1000000)
#   --check  also compare the replicate SEs of the three tools (bench/report.py check)
# disparity runs one command per statistic and method, each reading the file (its read and design
# rows are those of the mean's commands); R and svy read it once.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/side-by-side.sh
rows=1000000 reps=80
own_option() { if [ "$1" = --replicates ]; then reps=$2 took=2; fi; }
side_by_side_options "$@"
survey=bench/out/survey_${rows}.csv
file=bench/out/replicates_${reps}_${rows}.csv
side_by_side_setup replicates
[ -f "$survey" ] || python3 ../shared/bench/gen_survey.py "$rows" "$survey" 7
[ -f "$file" ] || python3 bench/gen_replicates.py "$survey" "$file" "$reps"
rhs="minority + age + factor(edu) + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
lin=(--weights weight --strata stratum --cluster psu)
rep=(--weights weight --replicate-weights 'repw*' --replicate-type bootstrap)

# One disparity command; prints its "STAT_METHOD seconds" line from --timings
# (the means' read as read and read_rep, their design as design_lin and design_rep) and
# keeps its output as $runs_dir/STAT_METHOD.csv and its peak memory in $runs_dir/peak-STAT_METHOD.
ours() {
  local stat=$1 method=$2; shift 2
  local -n design=$method
  /usr/bin/time -f "%e %M" -o "$runs_dir/time" "$bin" "$@" --data "$file" "${design[@]}" --format csv \
    --output "$runs_dir/${stat}_$method.csv" --timings 2> "$runs_dir/err" || { cat "$runs_dir/err" >&2; return 1; }
  cut -d' ' -f2 "$runs_dir/time" > "$runs_dir/peak-${stat}_$method"
  sed -E 's/^timings: //; s/, /\n/g' "$runs_dir/err" | grep -E ' s$' | sed -E 's/ s$//' |
    awk -v stat="$stat" -v method="$method" '
      $1 == "read" && stat == "mean" { print (method == "lin" ? "read" : "read_rep"), $2 }
      $1 == "design" && stat == "mean" { print "design_" method, $2 }
      $1 != "read" && $1 != "design" && $1 != "write" { print stat "_" method, $2 }'
}

for run in $(seq "$runs"); do
  start=$(date +%s.%N)
  {
    for method in lin rep; do
      ours mean "$method" estimate mean score
      ours by "$method" estimate mean score --by minority,edu
      ours linear "$method" regress "score ~ $rhs"
      ours logistic "$method" regress "unemployed ~ $rhs" --family binomial
    done
    echo "total $(echo "$(date +%s.%N) - $start" | bc -l)"
    echo "peak $(sort -n "$runs_dir"/peak-* | tail -1)"
  } > "$runs_dir/disparity-$run.txt"
  compare_tools "$run" bench/replicates.R bench/replicates_svy.py "$file"
done

echo "replicate-weights benchmark: $rows rows, $reps bootstrap replicate weights ($(basename "$file"))"
python3 bench/report.py table "$runs_dir" read read_rep design_lin design_rep mean_lin mean_rep by_lin by_rep \
  linear_lin linear_rep logistic_lin logistic_rep total
echo "disparity reads the file in each of its eight commands (read, read_rep: the means'); R and svy once (read)."
echo "svy has one design with both strata/PSUs and replicate weights (design_rep). total: disparity's eight commands,"
echo "R's and svy's script clock; peak: the largest of disparity's commands."
python3 bench/report.py ratios "$runs_dir" mean by linear logistic
if [ -n "$check" ]; then
  python3 - "$runs_dir" > "$runs_dir/check-disparity.txt" <<'PY'
import csv, sys
d = sys.argv[1]
row = next(csv.DictReader(open(f"{d}/mean_rep.csv")))
print(f"check mean_rep {row['estimate']} {row['std_error']}")
for row in csv.DictReader(open(f"{d}/by_rep.csv")):
    print(f"check by_rep:{row['minority']}.{row['edu']} {row['estimate']} {row['std_error']}")
for model in ("linear", "logistic"):
    for row in csv.DictReader(open(f"{d}/{model}_rep.csv")):
        if row.get("section", "coefficient") == "coefficient":
            print(f"check {model}_rep:{row['term']} {row['estimate']} {row['std_error']}")
PY
  check_tools
fi
