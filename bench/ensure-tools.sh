#!/usr/bin/env bash
# Installs the benchmarks' tooling when missing (never a dependency of disparity itself):
# numpy and polars for the data generators, svy (PyPI) unless --skip-svy, statsmodels and
# pandas with --statsmodels, and R with survey and data.table (Debian) unless --skip-r.
# Usage: bash bench/ensure-tools.sh [--skip-r] [--skip-svy] [--statsmodels]
# Safe to run again: it does nothing when all are there.
set -euo pipefail
cd "$(dirname "$0")/.."
r=1 svy=1 packages=(numpy polars)
for a in "$@"; do
  case $a in
    --skip-r) r= ;;
    --skip-svy) svy= ;;
    --statsmodels) packages+=(statsmodels pandas) ;;
    *) echo "ensure-tools: unknown argument $a" >&2; exit 2 ;;
  esac
done
[ -z "$svy" ] || packages+=(svy)
missing=()
# Each package imports under its own name.
for p in "${packages[@]}"; do
  python3 -c "import $p" 2>/dev/null || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (pip)" >&2
  python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${missing[@]}" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}"
fi
if [ -n "$r" ]; then
  bash scripts/ensure-system-packages.sh r-base-core r-cran-survey r-cran-data.table
fi
