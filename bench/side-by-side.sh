# The parts the side-by-side benchmarks share (run-batch.sh, run-domains.sh, run-replicates.sh),
# sourced by them from the repository's root after `set -euo pipefail`:
#
#   side_by_side_options "$@"   the common arguments: ROWS, --runs N, --skip-r, --skip-svy,
#                               --check; a script's own ones go first to its function
#                               `own_option` (when it defines one), which sets `took` to how
#                               many arguments it took (0: not its own). Sets rows (keeping the
#                               script's default), runs, skip_r, skip_svy, check.
#   side_by_side_setup NAME     installs the compared tools when missing (ensure-tools.sh),
#                               builds the release binary, sets bin and an empty runs_dir
#                               (bench/out/NAME-runs).
#   measured FILE               prints "process SECONDS" and "peak KB" from /usr/bin/time's record.
#   disparity_timed RUN STEP ARGS...
#                               runs disparity ARGS with --timings into $runs_dir/disparity-RUN.txt:
#                               its steps (the "estimate" step named STEP), total, process and peak.
#   compare_tools RUN R_SCRIPT SVY_SCRIPT FILE
#                               runs R's and svy's scripts on FILE (unless skipped), each into
#                               $runs_dir/TOOL-RUN.txt with its process time and peak memory.
#   check_tools                 the --check comparison: R's and svy's "check" lines of the last
#                               run beside disparity's ($runs_dir/check-disparity.txt, written by
#                               the script), by bench/report.py check.

side_by_side_options() {
  runs=1 skip_r= skip_svy= check=
  while [ $# -gt 0 ]; do
    took=0
    if declare -F own_option > /dev/null; then own_option "$@"; fi
    if [ "$took" -gt 0 ]; then shift "$took"; continue; fi
    case $1 in
      --runs) runs=$2; shift ;;
      --skip-r) skip_r=1 ;;
      --skip-svy) skip_svy=1 ;;
      --check) check=1 ;;
      [0-9]*) rows=$1 ;;
      *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
  done
}

side_by_side_setup() {
  mkdir -p bench/out
  # The tools compared (R, svy) and the data generators' packages, installed when missing.
  bash bench/ensure-tools.sh ${skip_r:+--skip-r} ${skip_svy:+--skip-svy}
  bash scripts/build-release.sh
  bin=.build/release/disparity
  runs_dir=bench/out/$1-runs
  rm -rf "$runs_dir" && mkdir -p "$runs_dir"
}

measured() { read -r seconds kb < "$1"; printf 'process %s\npeak %s\n' "$seconds" "$kb"; }

disparity_timed() {
  local run=$1 step=$2
  shift 2
  # --timings prints "timings: read X s, design X s, estimate X s, write X s" on standard error.
  /usr/bin/time -f "%e %M" -o "$runs_dir/time" "$bin" "$@" --timings 2> "$runs_dir/err"
  {
    grep '^timings:' "$runs_dir/err" | sed -E 's/^timings: //; s/, /\n/g; s/ s$//; s/ s\n/\n/g' | sed -E "s/ s\$//; s/^estimate /$step /"
    echo "total $(cut -d' ' -f1 "$runs_dir/time")"
    measured "$runs_dir/time"
  } > "$runs_dir/disparity-$run.txt"
}

compare_tools() {
  local run=$1 r_script=$2 svy_script=$3 file=$4
  if [ -z "$skip_r" ]; then
    /usr/bin/time -f "%e %M" -o "$runs_dir/time" Rscript "$r_script" "$file" ${check:+--check} > "$runs_dir/R-$run.txt"
    measured "$runs_dir/time" >> "$runs_dir/R-$run.txt"
  fi
  if [ -z "$skip_svy" ]; then
    /usr/bin/time -f "%e %M" -o "$runs_dir/time" python3 "$svy_script" "$file" ${check:+--check} > "$runs_dir/svy-$run.txt"
    measured "$runs_dir/time" >> "$runs_dir/svy-$run.txt"
  fi
  echo "run $run of $runs done" >&2
}

check_tools() {
  local tool
  for tool in R svy; do
    if [ -f "$runs_dir/$tool-$runs.txt" ]; then grep '^check ' "$runs_dir/$tool-$runs.txt" > "$runs_dir/check-$tool.txt"; fi
  done
  python3 bench/report.py check "$runs_dir"
}
