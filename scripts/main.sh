#!/usr/bin/env bash
# The main job on the bundled data: builds disparity in release mode (installing what it needs
# when missing) and runs the integration barometer and goal 2's decomposition on datasets/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
swift build -c release --product disparity >&2
bin=.build/release/disparity
# The seven goals of the city's integration policy, with verdicts (datasets/barometer.yaml).
"$bin" barometer datasets/barometer.yaml --format table
echo
# Goal 2 in detail: over-unemployment of minorities, raw and explained by education and age.
"$bin" gap unemployed --stat proportion --subset "in_labour_force == 1" --group origin --reference majority \
  --focal minority --scale pp --target "<= 5.8" --adjust "factor(education) + age" \
  --data datasets/labour_force.csv --weights weight --strata district --cluster psu --format table
