#!/usr/bin/env bash
# Builds the libFuzzer targets and runs them (README.md, "Fuzzing").
#   fuzz/run.sh TARGET SECONDS   fuzz TARGET for SECONDS, starting from fuzz/corpus/TARGET; new
#                                inputs go to .build-fuzz/corpus/TARGET, a crash, hang (an input
#                                over 25 s) or allocation over 2 GB to fuzz/findings/TARGET/
#   fuzz/run.sh TARGET replay    run TARGET once on every input kept in fuzz/corpus/TARGET
#   fuzz/run.sh all SECONDS      replay every corpus, then fuzz each target for SECONDS from its
#                                kept corpus only
#   fuzz/run.sh TARGET build     only build TARGET
# TARGET is CSVReaderFuzz, FormulaFuzz or SpecFuzz; what each checks of an input is FuzzChecks
# (fuzz/targets/FuzzChecks), which scripts/test.sh runs on the kept inputs without sanitizers.
# The targets are built (debug, with -sanitize=fuzzer,address) in .build-fuzz, apart from the
# normal build; Package.swift declares them only when DISPARITY_FUZZ is set. Exits non-zero on
# any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(CSVReaderFuzz FormulaFuzz SpecFuzz)
[ $# -eq 2 ] || { echo "usage: fuzz/run.sh TARGET|all SECONDS|replay|build" >&2; exit 2; }

build() {
  DISPARITY_FUZZ=1 swift build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address --product "$1" 2>&1 |
    grep -v "warning: Cannot export local symbol" | grep -v '^\[' || true
  [ -x ".build-fuzz/debug/$1" ] || { echo "fuzz/run.sh: $1 did not build" >&2; exit 1; }
}

# The runtime's backtracer would race ASan's report; libFuzzer reports and keeps the input.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0
limits=(-timeout=25 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536)

replay() {
  local inputs=(fuzz/corpus/"$1"/*)
  echo "fuzz/run.sh: replaying ${#inputs[@]} inputs of fuzz/corpus/$1"
  ".build-fuzz/debug/$1" "${limits[@]}" "${inputs[@]}" >".build-fuzz/$1-replay.log" 2>&1 ||
    { tail -40 ".build-fuzz/$1-replay.log" >&2; echo "fuzz/run.sh: $1 fails on its kept corpus" >&2; exit 1; }
}

# fuzz TARGET SECONDS NEW: new inputs go to the folder NEW, which the run starts from as well.
fuzz() {
  mkdir -p "$3" "fuzz/findings/$1"
  echo "fuzz/run.sh: fuzzing $1 for $2 s"
  ".build-fuzz/debug/$1" "${limits[@]}" -max_total_time="$2" -print_final_stats=1 \
    -artifact_prefix="fuzz/findings/$1/" "$3" "fuzz/corpus/$1" >".build-fuzz/$1-fuzz.log" 2>&1 ||
    { tail -40 ".build-fuzz/$1-fuzz.log" >&2; echo "fuzz/run.sh: $1 found a failure, kept in fuzz/findings/$1/" >&2; exit 1; }
  grep -E "^stat::number_of_executed_units|^Done" ".build-fuzz/$1-fuzz.log" | sed "s/^/  /"
  rmdir "fuzz/findings/$1" "fuzz/findings" 2>/dev/null || true
}

if [ "$1" = all ]; then selected=("${targets[@]}"); else selected=("$1"); fi
for target in "${selected[@]}"; do
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz/run.sh: unknown target $target (${targets[*]})" >&2; exit 2; }
  build "$target"
done
[ "$2" = build ] && exit 0
for target in "${selected[@]}"; do replay "$target"; done
[ "$2" = replay ] && exit 0
for target in "${selected[@]}"; do
  if [ "$1" = all ]; then
    # A short run of every target starts from the kept corpus only, so its
    # time stays bounded whatever earlier long runs found.
    rm -rf ".build-fuzz/corpus-short/$target"
    fuzz "$target" "$2" ".build-fuzz/corpus-short/$target"
  else
    fuzz "$target" "$2" ".build-fuzz/corpus/$target"
  fi
done
