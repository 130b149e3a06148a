#!/usr/bin/env bash
# The batch benchmark: bench/batch.yaml in one `disparity run` (release build) against R
# (data.table + survey) doing the same steps, on the generated survey of ROWS rows. Prints both
# wall clocks, the ratio, disparity's peak memory and the share of its time per step.
# Usage: bash bench/run-batch.sh [ROWS] [--skip-r]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
mkdir -p bench/out
[ -f "bench/out/survey_${rows}.csv" ] || python3 ../shared/bench/gen_survey.py "$rows" "bench/out/survey_${rows}.csv" 7
ln -sf "survey_${rows}.csv" bench/out/survey.csv
swift build -c release --product disparity >&2
rm -rf bench/out/batch
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o bench/out/batch-peak.txt .build/release/disparity run bench/batch.yaml --out bench/out/batch
ours=$(echo "$(date +%s.%N) - $start" | bc -l)
peak=$(tail -1 bench/out/batch-peak.txt)
python3 - "$ours" <<'PY'
import json, sys
manifest = json.load(open("bench/out/batch/manifest.json"))
total = float(sys.argv[1])
print(f"disparity wall clock {total:.3f} s; steps: " + ", ".join(f"{t['step']} {t['seconds']:.3f} s ({100 * t['seconds'] / total:.0f} %)" for t in manifest["timings"]))
PY
echo "disparity peak memory: $((peak / 1024)) MiB"
if [ "${2:-}" != "--skip-r" ]; then
  theirs=$(Rscript bench/batch.R "bench/out/survey_${rows}.csv" | tee /dev/stderr | awk '/^total/ {print $2}')
  printf 'R wall clock %.3f s; disparity is %.1fx faster\n' "$theirs" "$(echo "$theirs / $ours" | bc -l)"
fi
