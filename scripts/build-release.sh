#!/usr/bin/env bash
# Builds the release binary that the main job and the benchmarks run (.build/release/disparity).
# The Swift runtime and Foundation are linked in (`--static-swift-stdlib`): the binary starts in
# half the time and runs where no Swift toolchain is installed. On an x86-64 processor with AVX2,
# FMA and BMI2 (the x86-64-v3 level: Intel since Haswell, AMD since Zen) the code is generated
# for that level (`-target-cpu haswell`: vector loops four doubles wide instead of two), which
# takes about 7 % less CPU on the batch benchmark with the same numbers: Swift never fuses a
# multiply and an add on its own, and the explicit `fma` calls are exactly rounded either way.
# Such a binary runs only on processors of that level; DISPARITY_PORTABLE=1 builds for any x86-64.
set -euo pipefail
cd "$(dirname "$0")/.."
# The C libraries it links (installed when missing, as on a fresh machine running a benchmark).
bash scripts/ensure-system-packages.sh
flags=()
if [ -z "${DISPARITY_PORTABLE:-}" ] && [ "$(uname -m)" = x86_64 ] &&
   grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
  flags=(-Xswiftc -target-cpu -Xswiftc haswell)
fi
swift build -c release --product disparity --static-swift-stdlib ${flags[@]+"${flags[@]}"} >&2
