#!/usr/bin/env bash
# The main job on the bundled data: builds disparity in release mode (installing what it needs
# when missing), runs the integration barometer over every period 2010-2014H2 into a fresh
# history, prints the latest period as a table that fits the terminal, and writes the think
# tank's report and workbook. Outputs go to out/ (README: "Main job").
set -euo pipefail
cd "$(dirname "$0")/.."
# The release binary as the benchmarks build it (scripts/build-release.sh, which installs the
# Debian packages it needs when missing).
bash scripts/build-release.sh
bin=.build/release/disparity
mkdir -p out
rm -f out/barometer.sqlite
# Every period in turn into the history; the table shows the last (2014H2).
"$bin" barometer datasets/barometer.yaml --every-period --history out/barometer.sqlite --format table
# The report (HTML, Danish) and the workbook of the latest period, with the trends from the history.
"$bin" barometer datasets/barometer.yaml --history out/barometer.sqlite --report out/barometer.html --output out/barometer.xlsx
echo
echo "history: out/barometer.sqlite   report: out/barometer.html   workbook: out/barometer.xlsx" >&2
echo
# Goal 2 in detail: over-unemployment of minorities in 2014, raw and explained by education and age.
"$bin" gap unemployed --stat proportion --subset "period == 2014H2 & in_labour_force == 1" --group origin --reference majority \
  --focal minority --scale pp --target "<= 5.8" --adjust "factor(education) + age" \
  --data datasets/labour_force.csv --weights weight --strata stratum --cluster psu --format table
