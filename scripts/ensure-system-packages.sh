#!/usr/bin/env bash
# Installs the Debian packages disparity builds against (LAPACK, BLAS, OpenBLAS behind
# libblas.so.3; SQLite for GRDB's barometer history; libxlsxwriter and minizip for Excel
# workbooks; ReadStat for SPSS, Stata and SAS files) when any is missing, and any further
# packages named as arguments (the tests' own).
# Safe to run again: it does nothing when all are there.
set -euo pipefail
needed=(liblapack-dev libblas-dev libopenblas-dev libsqlite3-dev libxlsxwriter-dev libminizip-dev libreadstat-dev "$@")
missing=()
for p in "${needed[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
